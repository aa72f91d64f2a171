package atelier.runtime.taesd;

import java.util.List;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * One half of an {@link AutoencoderTiny} cut at a scale boundary into a {@link #local} part, which can run tile by
 * tile, and a {@link #global} part, which must see the whole feature map at once. Obtained from
 * {@link AutoencoderTiny#encodeStages()} and {@link AutoencoderTiny#decodeStages()}.
 *
 * <p><b>Why.</b> Most layers of a TAESD network are convolutions, ReLUs and upsamplings: each output position depends
 * on a bounded neighbourhood of the input, so a large image can be processed in overlapping tiles and blended. TAEF2
 * (FLUX.2) adds to its lowest-resolution blocks a "pool" branch with a GroupNorm whose mean and variance are taken
 * over the <em>whole</em> feature map it is given: run per tile, every tile is normalised on its own statistics and
 * the result drifts in tone from tile to tile. Those blocks sit at the latent scale (1/8 of the image), where the
 * whole map of even a 4096² image is small (512² positions × 64 channels), so they can run once on the whole map.
 *
 * <p><b>Where the cut is.</b> A layer is <em>global</em> when it normalises over the map ({@code TinyBlock} with a
 * GroupNorm pool branch); every other layer is local. The cut is placed at the latent-scale boundary, moved outward
 * only if a global layer lay beyond it:
 * <ul>
 * <li>encoder: local = the layers up to and including the last stride-2 convolution (image → 1/8),
 * or up to the first global layer if that comes earlier; global = the rest (the 1/8-scale blocks and the latent
 * convolution);</li>
 * <li>decoder: global = the layers before the first upsampling (soft clamp, latent convolution, ReLU, 1/8-scale
 * blocks), or up to and including the last global layer if that comes later; local = the rest.</li>
 * </ul>
 * For every shipped family (taesd, taesdxl, taesd3, taef1, taef2) this is the 1/8 boundary: the local parts scale
 * by 8 ({@link #localFactor()}) and exchange a 64-channel feature map with the global parts. TAEF2's pool blocks are
 * encoder layers 11–13 and decoder layers 3–5 (all at 1/8); the other families have none, so their global parts are
 * plain convolutions that could also be tiled — running them whole is simply exact. {@link #describe()} lists the
 * layers of both parts.
 *
 * <p>The parts are slices of the same layer sequence as {@link AutoencoderTiny#encode} / {@link
 * AutoencoderTiny#decode}: applied in order to the same array (encoder: {@code global(local(x))}, decoder:
 * {@code local(global(z))}) they perform exactly the same operations and give the same result. Each call computes in a
 * sub-manager of its input's manager and leaves only its result there. The stages use the autoencoder's weights:
 * they are valid until it is closed.
 */
public final class TaesdStages {
    private final boolean encoder;
    private final TaesdNetwork local;
    private final TaesdNetwork global;
    private final boolean globalStatistics;

    private TaesdStages(boolean encoder, TaesdNetwork local, TaesdNetwork global, boolean globalStatistics) {
        this.encoder = encoder;
        this.local = local;
        this.global = global;
        this.globalStatistics = globalStatistics;
    }

    /** Cuts an encoder after its last stride-2 convolution, or before its first global layer if earlier. */
    static TaesdStages ofEncoder(TaesdNetwork net) {
        int cut = 0;
        int firstGlobal = net.size();
        for (int i = 0; i < net.size(); i++) {
            if (net.step(i) == TaesdNetwork.Step.DOWN_CONV) {
                cut = i + 1;
            }
            if (net.usesMapStatistics(i) && firstGlobal == net.size()) {
                firstGlobal = i;
            }
        }
        cut = Math.min(cut, firstGlobal);
        return new TaesdStages(true, net.slice(0, cut), net.slice(cut, net.size()), firstGlobal < net.size());
    }

    /** Cuts a decoder before its first upsampling, or after its last global layer if later. */
    static TaesdStages ofDecoder(TaesdNetwork net) {
        int cut = net.size();
        int afterLastGlobal = 0;
        for (int i = net.size() - 1; i >= 0; i--) {
            if (net.step(i) == TaesdNetwork.Step.UPSAMPLE) {
                cut = i;
            }
            if (net.usesMapStatistics(i) && afterLastGlobal == 0) {
                afterLastGlobal = i + 1;
            }
        }
        cut = Math.max(cut, afterLastGlobal);
        return new TaesdStages(false, net.slice(cut, net.size()), net.slice(0, cut), afterLastGlobal > 0);
    }

    /** Whether this is the encoder's split (local first, then global) or the decoder's (global first). */
    public boolean isEncoder() { return encoder; }

    /**
     * Spatial factor of the local part: the encoder's local part divides sides by it, the decoder's multiplies them
     * (8 for every shipped family). Tiles fed to the encoder's local part must have sides that are multiples of it.
     */
    public int localFactor() { return local.scale(); }

    /** Channels of the feature map passed between the two parts (64 for every shipped family). */
    public int boundaryChannels() { return encoder ? local.outChannels() : global.outChannels(); }

    /**
     * Whether the global part holds layers that normalise over the whole map (TAEF2). When false, tiling the whole
     * half differs from a whole-image pass only by the tiles' borders, as for any convolutional network.
     */
    public boolean hasGlobalStatistics() { return globalStatistics; }

    /**
     * The part to run per tile: encoder {@code [B, 3, H, W]} in [0, 1] (H, W multiples of {@link #localFactor()})
     * → {@code [B, boundaryChannels, H/f, W/f]}; decoder {@code [B, boundaryChannels, h, w]} →
     * {@code [B, 3, f·h, f·w]}.
     */
    public NDArray local(NDArray x) {
        Shape s = x.getShape();
        if (encoder) {
            int f = local.scale();
            if (s.dimension() != 4 || s.get(1) != local.inChannels()) {
                throw new IllegalArgumentException("TAESD encoder local stage expects an RGB image batch [B, "
                        + local.inChannels() + ", H, W], got " + s);
            }
            if (s.get(2) % f != 0 || s.get(3) % f != 0 || s.get(2) == 0 || s.get(3) == 0) {
                throw new IllegalArgumentException("TAESD encoder local stage needs height and width that are "
                        + "multiples of " + f + ", got " + s.get(2) + "×" + s.get(3));
            }
        } else {
            check(s, local, "decoder local stage");
        }
        return run(local, x);
    }

    /**
     * The part to run once on the whole map: encoder {@code [B, boundaryChannels, h, w]} → latent
     * {@code [B, latentChannels, h, w]}; decoder latent {@code [B, latentChannels, h, w]} →
     * {@code [B, boundaryChannels, h, w]}.
     */
    public NDArray global(NDArray x) {
        check(x.getShape(), global, encoder ? "encoder global stage" : "decoder global stage");
        return run(global, x);
    }

    /**
     * The layers of each part in the order they run, one line each with its index in the half's original sequence
     * (decoder: the soft clamp is 0) and the scale it works at.
     */
    public String describe() {
        String half = encoder ? "encoder" : "decoder";
        String l = half + " local (×" + local.scale() + ", tiled): " + lines(local.describe());
        String g = half + " global (whole map" + (globalStatistics ? ", GroupNorm over the map" : "") + "): "
                + lines(global.describe());
        return encoder ? l + "\n" + g : g + "\n" + l;
    }

    private static String lines(List<String> layers) {
        return layers.isEmpty() ? "(none)" : "\n  " + String.join("\n  ", layers);
    }

    private static void check(Shape s, TaesdNetwork part, String what) {
        if (s.dimension() != 4 || s.get(1) != part.inChannels()) {
            throw new IllegalArgumentException("TAESD " + what + " expects [B, " + part.inChannels() + ", h, w], got "
                    + s);
        }
    }

    static NDArray run(TaesdNetwork net, NDArray input) {
        if (input.getDataType() != DataType.FLOAT32) {
            throw new IllegalArgumentException("TAESD computes in float32, got " + input.getDataType());
        }
        if (net.size() == 0) {
            return input;
        }
        NDManager caller = input.getManager();
        try (NDManager step = caller.newSubManager()) {
            input.tempAttach(step);
            NDArray out = net.forward(input);
            out.attach(caller);
            return out;
        }
    }

    @Override
    public String toString() {
        return "TaesdStages(" + (encoder ? "encoder" : "decoder") + ", local ×" + local.scale() + " " + local.size()
                + " layers, global " + global.size() + " layers" + (globalStatistics ? ", GroupNorm" : "") + ")";
    }
}
