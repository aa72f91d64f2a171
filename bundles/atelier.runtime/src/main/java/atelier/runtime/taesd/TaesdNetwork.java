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
    private final List<String> names;
    private final List<Step> steps;
    private final List<Integer> channelsAfter;
    private final int inChannels;
    private final int outChannels;
    private final int scale;

    private TaesdNetwork(List<TaesdLayer> layers, List<String> names, List<Step> steps, List<Integer> channelsAfter,
            int inChannels, int outChannels, int scale) {
        this.layers = layers;
        this.names = names;
        this.steps = steps;
        this.channelsAfter = channelsAfter;
        this.inChannels = inChannels;
        this.outChannels = outChannels;
        this.scale = scale;
    }

    /** Number of layers (entries of the sequence that compute something). */
    int size() { return layers.size(); }

    /** Layer i's kind. */
    Step step(int i) { return steps.get(i); }

    /** Whether layer i normalises over the whole feature map it sees (a TAEF2 block with a GroupNorm branch). */
    boolean usesMapStatistics(int i) {
        return layers.get(i) instanceof TinyBlock b && b.hasPool();
    }

    /** One line per layer, e.g. {@code "11 block 64→64 +pool(GroupNorm 4 groups)"}; indices are the layer's own. */
    List<String> describe() { return names; }

    /** Channels of the feature map after layers {@code [0, n)}: the input's channels for n = 0. */
    int channelsAfter(int n) { return n == 0 ? inChannels : channelsAfter.get(n - 1); }

    /**
     * Layers {@code [from, to)} as a network of their own, sharing the weights. Its scale is the product of the
     * slice's stride-2 convolutions (or upsamplings).
     */
    TaesdNetwork slice(int from, int to) {
        int s = 1;
        for (int i = from; i < to; i++) {
            if (steps.get(i) == Step.DOWN_CONV || steps.get(i) == Step.UPSAMPLE) {
                s *= 2;
            }
        }
        return new TaesdNetwork(layers.subList(from, to), names.subList(from, to), steps.subList(from, to),
                channelsAfter.subList(from, to), channelsAfter(from), channelsAfter(to), s);
    }

    int inChannels() { return inChannels; }

    int outChannels() { return outChannels; }

    /** Spatial factor between input and output: 2^(number of stride-2 convolutions or upsamplings). */
    int scale() { return scale; }

    /**
     * Runs the layers in order. Each layer computes in a sub-manager of the input's manager that is closed when it
     * ends, and the previous layer's output is freed once the next one has used it: only about two layers' working
     * memory is alive at a time (it matters for the whole-map stages of a large image, where one GroupNorm branch
     * is 256 channels at latent size). The result lands in the input's manager; the input itself is left alone.
     */
    NDArray forward(NDArray input) {
        NDManager home = input.getManager();
        NDArray x = input;
        for (TaesdLayer l : layers) {
            NDArray y;
            try (NDManager layer = home.newSubManager()) {
                x.tempAttach(layer);
                y = l.forward(x);
                y.attach(home);
            }
            if (x != input && x != y) {
                x.close();
            }
            x = y;
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
        List<String> names = new ArrayList<>();
        List<Step> steps = new ArrayList<>();
        List<Integer> channelsAfter = new ArrayList<>();
        long channels = inChannels;
        int firstIn = inChannels;
        int scale = 1;
        int upsampled = 1;
        for (Step s : plan) {
            upsampled *= s == Step.UPSAMPLE ? 2 : 1;
        }
        for (int i = 0; i < plan.size(); i++) {
            Step step = plan.get(i);
            String prefix = prefixOf.apply(i);
            Weights w = prefix == null ? null : new Weights(source, prefix, manager);
            long before = channels;
            String name;
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
                    name = (stride == 2 ? "conv stride 2 " : "conv ") + weight.getShape().get(1) + "→" + out;
                }
                case BLOCK -> {
                    TinyBlock block = block(w, used, channels);
                    layers.add(block);
                    channels = block.outChannels();
                    name = "block " + before + "→" + channels + (block.hasPool()
                            ? " +pool(GroupNorm " + TinyBlock.POOL_GROUPS + " groups over the map)" : "");
                }
                case UPSAMPLE -> {
                    layers.add(TaesdLayer.UPSAMPLE);
                    scale *= 2;
                    name = "upsample ×2";
                }
                case RELU -> {
                    layers.add(TaesdLayer.RELU);
                    name = "relu";
                }
                case SOFT_CLAMP -> {
                    layers.add(TaesdLayer.SOFT_CLAMP);
                    name = "soft clamp 3·tanh(z/3)";
                }
                default -> throw new IllegalStateException(step.toString());
            }
            int resolution = what.equals("encoder") ? scale : upsampled / scale; // image side / feature map side
            names.add((layers.size() - 1) + " " + name + " at 1/" + resolution);
            steps.add(step);
            channelsAfter.add((int) channels);
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
        int in = firstIn;
        channelsAfter.replaceAll(c -> c < 0 ? in : c); // layers before the first convolution keep its input width
        return new TaesdNetwork(List.copyOf(layers), List.copyOf(names), List.copyOf(steps), List.copyOf(channelsAfter),
                firstIn, (int) channels,
                scale);
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
