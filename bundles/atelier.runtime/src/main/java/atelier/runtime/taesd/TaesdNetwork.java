package atelier.runtime.taesd;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.IntFunction;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import atelier.runtime.io.TensorSource;
import atelier.runtime.nn.Weights;

/**
 * One half of a TAESD autoencoder: a sequence of layers built from a plan (the TAESD architecture) and the
 * tensors of one layout. Channel counts, the latent width and the presence of skip convolutions and GroupNorm
 * "pool" branches are read from the tensors' shapes; every tensor of the half must be used, so a file of a
 * different architecture is refused instead of silently mis-read.
 */
final class TaesdNetwork {
    /** The kinds of entries in a TAESD sequence. */
    enum Step { CONV_IN, DOWN_CONV, BLOCK, UPSAMPLE, UP_CONV, CONV_OUT, RELU, SOFT_CLAMP }

    private final List<TaesdLayer> layers;
    private final int inChannels;
    private final int outChannels;
    private final int scale;

    private TaesdNetwork(List<TaesdLayer> layers, int inChannels, int outChannels, int scale) {
        this.layers = layers;
        this.inChannels = inChannels;
        this.outChannels = outChannels;
        this.scale = scale;
    }

    int inChannels() { return inChannels; }

    int outChannels() { return outChannels; }

    /** Spatial factor between input and output: 2^(number of stride-2 convolutions or upsamplings). */
    int scale() { return scale; }

    NDArray forward(NDArray x) {
        for (TaesdLayer l : layers) {
            x = l.forward(x);
        }
        return x;
    }

    /** Encoder plan: conv, blocks, then per further stage a stride-2 conv and blocks, then the latent conv. */
    static List<Step> encoderPlan(int[] blocksPerStage) {
        List<Step> plan = new ArrayList<>();
        plan.add(Step.CONV_IN);
        for (int stage = 0; stage < blocksPerStage.length; stage++) {
            if (stage > 0) {
                plan.add(Step.DOWN_CONV);
            }
            for (int b = 0; b < blocksPerStage[stage]; b++) {
                plan.add(Step.BLOCK);
            }
        }
        plan.add(Step.CONV_OUT);
        return plan;
    }

    /** Decoder plan (original indices): soft clamp, conv, ReLU, per stage blocks then upsample + conv. */
    static List<Step> decoderPlan(int[] blocksPerStage) {
        List<Step> plan = new ArrayList<>(List.of(Step.SOFT_CLAMP, Step.CONV_IN, Step.RELU));
        for (int stage = 0; stage < blocksPerStage.length; stage++) {
            for (int b = 0; b < blocksPerStage[stage]; b++) {
                plan.add(Step.BLOCK);
            }
            boolean last = stage == blocksPerStage.length - 1;
            if (!last) {
                plan.add(Step.UPSAMPLE);
                plan.add(Step.UP_CONV);
            } else {
                plan.add(Step.CONV_OUT);
            }
        }
        return plan;
    }

    /**
     * Builds a half.
     *
     * @param what "encoder" or "decoder", for messages
     * @param prefixOf key prefix of plan entry i (ending in '.'), or null for an entry the layout does not store
     * @param rootPrefix prefix of every key of this half in {@code source} (e.g. {@code "encoder."}; "" for a
     *        file holding only this half)
     * @param inChannels expected input channels, or -1 to take them from the first convolution
     */
    static TaesdNetwork build(String what, List<Step> plan, TensorSource source, IntFunction<String> prefixOf,
            String rootPrefix, int inChannels, NDManager manager) {
        Set<String> used = new TreeSet<>();
        List<TaesdLayer> layers = new ArrayList<>();
        long channels = inChannels;
        int firstIn = inChannels;
        int scale = 1;
        for (int i = 0; i < plan.size(); i++) {
            Step step = plan.get(i);
            String prefix = prefixOf.apply(i);
            Weights w = prefix == null ? null : new Weights(source, prefix, manager);
            switch (step) {
                case CONV_IN, CONV_OUT, DOWN_CONV, UP_CONV -> {
                    NDArray weight = get(w, used, "weight", -1, channels, 3, 3);
                    if (channels < 0) {
                        firstIn = (int) weight.getShape().get(1);
                    }
                    long out = weight.getShape().get(0);
                    boolean bias = step == Step.CONV_IN || step == Step.CONV_OUT;
                    NDArray b = bias ? get(w, used, "bias", out) : null;
                    if (!bias && w.has("bias")) {
                        throw new IllegalArgumentException(what + ": " + w.prefix() + "bias is not expected (the "
                                + (step == Step.DOWN_CONV ? "stride-2" : "post-upsampling")
                                + " convolutions of TAESD have none): not a TAESD layout");
                    }
                    int stride = step == Step.DOWN_CONV ? 2 : 1;
                    scale *= stride;
                    layers.add(new TaesdLayer.Conv(weight, b, stride));
                    channels = out;
                }
                case BLOCK -> {
                    TinyBlock block = block(w, used, channels);
                    layers.add(block);
                    channels = block.outChannels();
                }
                case UPSAMPLE -> {
                    layers.add(TaesdLayer.UPSAMPLE);
                    scale *= 2;
                }
                case RELU -> layers.add(TaesdLayer.RELU);
                case SOFT_CLAMP -> layers.add(TaesdLayer.SOFT_CLAMP);
                default -> throw new IllegalStateException(step.toString());
            }
        }
        Set<String> unused = new TreeSet<>();
        for (String key : source.keys()) {
            if (key.startsWith(rootPrefix) && !used.contains(key)) {
                unused.add(key);
            }
        }
        if (!unused.isEmpty()) {
            throw new IllegalArgumentException(what + " has tensors the TAESD architecture does not use: "
                    + abbreviate(unused) + " (a different variant of the autoencoder?)");
        }
        return new TaesdNetwork(List.copyOf(layers), firstIn, (int) channels, scale);
    }

    private static TinyBlock block(Weights w, Set<String> used, long in) {
        NDArray[] weights = new NDArray[3];
        NDArray[] biases = new NDArray[3];
        long out = -1;
        long cin = in;
        for (int j = 0; j < 3; j++) {
            String name = "conv." + (2 * j) + ".";
            weights[j] = get(w, used, name + "weight", j == 0 ? -1 : out, cin, 3, 3);
            if (j == 0) {
                out = weights[j].getShape().get(0);
            }
            biases[j] = get(w, used, name + "bias", out);
            cin = out;
        }
        NDArray skip = null;
        if (out != in || w.has("skip.weight")) {
            skip = get(w, used, "skip.weight", out, in, 1, 1);
        }
        TinyBlock.Pool pool = null;
        if (w.has("pool.0.weight")) {
            NDArray expand = get(w, used, "pool.0.weight", -1, in, 1, 1);
            long hidden = expand.getShape().get(0);
            if (hidden % TinyBlock.POOL_GROUPS != 0) {
                throw new IllegalArgumentException(w.prefix() + "pool.0.weight has " + hidden
                        + " output channels, not divisible into " + TinyBlock.POOL_GROUPS + " groups");
            }
            pool = new TinyBlock.Pool(expand, get(w, used, "pool.1.weight", hidden), get(w, used, "pool.1.bias", hidden),
                    get(w, used, "pool.3.weight", in, hidden, 1, 1));
        }
        return new TinyBlock(weights, biases, skip, pool);
    }

    private static NDArray get(Weights w, Set<String> used, String name, long... shape) {
        if (w == null) {
            throw new IllegalStateException("layout stores no tensors for this entry");
        }
        NDArray a = w.get(name, shape);
        used.add(w.prefix() + name);
        return a;
    }

    private static String abbreviate(Set<String> keys) {
        List<String> list = new ArrayList<>(keys);
        return list.size() <= 6 ? list.toString() : list.subList(0, 6) + " and " + (list.size() - 6) + " more";
    }

    @Override
    public String toString() { return "TAESD half " + Arrays.asList(inChannels, outChannels, scale); }
}
