package atelier.runtime.vae;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import atelier.runtime.io.SafetensorsFile;
import atelier.runtime.io.TensorSource;
import atelier.runtime.nn.Conv2d;
import atelier.runtime.nn.Weights;

/**
 * diffusers {@code AutoencoderKL} (the Stable Diffusion VAE), loaded by diffusers key names.
 * {@link #encode} gives the posterior of an image in {@code [-1, 1]}; {@link #decode} maps an <em>unscaled</em>
 * latent back to an image in about {@code [-1, 1]}. The {@link #scalingFactor()} is applied by pipelines, not
 * here. Results land in the input's manager; everything else a call creates is freed before it returns.
 */
public final class AutoencoderKL implements AutoCloseable {
    /** Weight file names looked up in a diffusers {@code vae/} folder, in order. */
    public static final List<String> WEIGHT_FILES = List.of("diffusion_pytorch_model.safetensors",
            "diffusion_pytorch_model.fp16.safetensors");

    /**
     * The diagonal Gaussian the encoder predicts.
     *
     * @param mean {@code [B, latent, h, w]}
     * @param std  {@code exp(0.5 · clamp(logvar, -30, 20))}, same shape
     */
    public record Posterior(NDArray mean, NDArray std) { }

    private final NDManager manager;
    private final VaeConfig config;
    private final Encoder encoder;
    private final Decoder decoder;
    private final Conv2d quantConv;
    private final Conv2d postQuantConv;

    private AutoencoderKL(VaeConfig c, Weights w) {
        this.manager = w.manager();
        this.config = c;
        this.encoder = new Encoder(w.sub("encoder"), c);
        this.decoder = new Decoder(w.sub("decoder"), c);
        long l = c.latentChannels();
        this.quantConv = c.useQuantConv() ? Conv2d.pointwise(w.sub("quant_conv"), 2 * l, 2 * l) : null;
        this.postQuantConv = c.usePostQuantConv() ? Conv2d.pointwise(w.sub("post_quant_conv"), l, l) : null;
    }

    /** Loads a diffusers {@code vae/} folder: {@code config.json} and the safetensors weights. */
    public static AutoencoderKL load(Path vaeDir, NDManager parent) throws IOException {
        Path cfg = vaeDir.resolve("config.json");
        if (!Files.isRegularFile(cfg)) {
            throw new IOException("no VAE config.json in " + vaeDir);
        }
        VaeConfig config = VaeConfig.read(cfg);
        Path file = null;
        for (String name : WEIGHT_FILES) {
            if (Files.isRegularFile(vaeDir.resolve(name))) {
                file = vaeDir.resolve(name);
                break;
            }
        }
        if (file == null) {
            throw new IOException("no VAE weights in " + vaeDir + " (looked for " + WEIGHT_FILES + ")");
        }
        try (SafetensorsFile st = SafetensorsFile.open(file)) {
            return load(config, st, parent);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file.getFileName() + ": " + e.getMessage(), e);
        }
    }

    /** Builds the autoencoder from named tensors ({@code encoder.…}, {@code decoder.…}, {@code quant_conv.…}). */
    public static AutoencoderKL load(VaeConfig config, TensorSource source, NDManager parent) {
        NDManager m = parent.newSubManager();
        try {
            return new AutoencoderKL(config, new Weights(source, "", m));
        } catch (RuntimeException e) {
            m.close();
            throw e;
        }
    }

    /** The architecture with random weights (benchmarks, tests). */
    public static AutoencoderKL random(VaeConfig config, NDManager parent, long seed) {
        NDManager m = parent.newSubManager();
        try {
            return new AutoencoderKL(config, Weights.random(m, seed));
        } catch (RuntimeException e) {
            m.close();
            throw e;
        }
    }

    /** Builds the autoencoder from any weight view; the model owns the view's manager and closes it. */
    public static AutoencoderKL create(VaeConfig config, Weights weights) {
        return new AutoencoderKL(config, weights);
    }

    public VaeConfig config() { return config; }

    public float scalingFactor() { return config.scalingFactor(); }

    /** @param image {@code [B, in_channels, H, W]} in {@code [-1, 1]}, H and W multiples of 2^(levels−1) */
    public Posterior encode(NDArray image) {
        Shape s = image.getShape();
        int factor = 1 << (config.blockOutChannels().length - 1);
        if (s.dimension() != 4 || s.get(1) != config.inChannels() || s.get(2) % factor != 0 || s.get(3) % factor != 0) {
            throw new IllegalArgumentException("VAE input must be [B, " + config.inChannels() + ", H, W] with H and W"
                    + " multiples of " + factor + ", got " + s);
        }
        checkFloat(image);
        NDManager caller = image.getManager();
        try (NDManager call = caller.newSubManager()) {
            image.tempAttach(call);
            NDArray moments = encoder.forward(image);
            if (quantConv != null) {
                moments = quantConv.forward(moments);
            }
            NDList parts = moments.split(2, 1);
            NDArray mean = parts.get(0).duplicate();
            NDArray std = parts.get(1).clip(-30f, 20f).muli(0.5f).exp();
            mean.attach(caller);
            std.attach(caller);
            return new Posterior(mean, std);
        }
    }

    /** @param latent unscaled latent {@code [B, latent_channels, h, w]}; result {@code [B, out_channels, 8h, 8w]} */
    public NDArray decode(NDArray latent) {
        Shape s = latent.getShape();
        if (s.dimension() != 4 || s.get(1) != config.latentChannels()) {
            throw new IllegalArgumentException("VAE latent must be [B, " + config.latentChannels() + ", h, w], got " + s);
        }
        checkFloat(latent);
        NDManager caller = latent.getManager();
        try (NDManager call = caller.newSubManager()) {
            latent.tempAttach(call);
            NDArray z = postQuantConv != null ? postQuantConv.forward(latent) : latent;
            NDArray out = decoder.forward(z);
            out.attach(caller);
            return out;
        }
    }

    private static void checkFloat(NDArray a) {
        if (a.getDataType() != DataType.FLOAT32) {
            throw new IllegalArgumentException("VAE input must be float32, got " + a.getDataType());
        }
    }

    /** Frees every weight. */
    @Override
    public void close() {
        manager.close();
    }
}
