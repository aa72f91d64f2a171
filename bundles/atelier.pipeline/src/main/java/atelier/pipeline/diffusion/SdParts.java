package atelier.pipeline.diffusion;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import atelier.api.FloatImage;
import atelier.pipeline.images.PadMode;
import atelier.pipeline.images.Padding;
import atelier.pipeline.tiling.LatentTiles;
import atelier.pipeline.tiling.TileGrid;
import atelier.pipeline.tiling.TiledCodec;
import atelier.runtime.text.ClipTextModel;
import atelier.runtime.text.ClipTokenizer;
import atelier.runtime.unet.UNet2DConditionModel;
import atelier.runtime.vae.AutoencoderKL;

/**
 * A Stable Diffusion model loaded from a diffusers folder ({@code tokenizer/}, {@code text_encoder/},
 * {@code unet/}, {@code vae/}, {@code scheduler/}), with the conversions the inversion-based strategies need:
 * prompt → context, image → scaled latent (posterior mean), scaled latent → image.
 */
public final class SdParts implements AutoCloseable {
    private final ClipTokenizer tokenizer;
    private final ClipTextModel text;
    private final UNet2DConditionModel unet;
    private final AutoencoderKL vae;
    private final DdimSchedule schedule;

    /** From already built parts (benchmarks with random weights pass a null tokenizer and text model). */
    public SdParts(ClipTokenizer tokenizer, ClipTextModel text, UNet2DConditionModel unet, AutoencoderKL vae,
            DdimSchedule schedule) {
        this.tokenizer = tokenizer;
        this.text = text;
        this.unet = unet;
        this.vae = vae;
        this.schedule = schedule;
    }

    /** Loads every part; the weights live in sub-managers of {@code parent} until {@link #close()}. */
    public static SdParts load(Path folder, NDManager parent) throws IOException {
        for (String sub : new String[] {"tokenizer", "text_encoder", "unet", "vae"}) {
            if (!Files.isDirectory(folder.resolve(sub))) {
                throw new IOException("model folder " + folder + " has no " + sub + "/ (diffusers layout expected)");
            }
        }
        Path sched = folder.resolve("scheduler/scheduler_config.json");
        DdimSchedule schedule = Files.isRegularFile(sched) ? DdimSchedule.read(sched) : DdimSchedule.sd();
        ClipTokenizer tok = ClipTokenizer.load(folder.resolve("tokenizer"));
        ClipTextModel text = ClipTextModel.load(folder.resolve("text_encoder"), parent);
        UNet2DConditionModel unet = null;
        try {
            unet = UNet2DConditionModel.load(folder.resolve("unet"), parent);
            AutoencoderKL vae = AutoencoderKL.load(folder.resolve("vae"), parent);
            return new SdParts(tok, text, unet, vae, schedule);
        } catch (IOException | RuntimeException e) {
            text.close();
            if (unet != null) {
                unet.close();
            }
            throw e;
        }
    }

    public UNet2DConditionModel unet() { return unet; }

    public AutoencoderKL vae() { return vae; }

    public DdimSchedule schedule() { return schedule; }

    /** Image side lengths must be multiples of this (VAE and UNet downsampling together). */
    public int sizeMultiple() {
        return (1 << (vae.config().blockOutChannels().length - 1))
                * (1 << (unet.config().blockOutChannels().length - 1));
    }

    /** How many pixels one latent position covers (the VAE's downsampling factor). */
    public int vaeFactor() {
        return 1 << (vae.config().blockOutChannels().length - 1);
    }

    /** Latent sides (and latent tile sides) must be multiples of this (the UNet's downsampling). */
    public int latentAlign() {
        return 1 << (unet.config().blockOutChannels().length - 1);
    }

    /**
     * The latent tile side for images larger than the model's native size: the UNet's nominal sample size
     * ({@code sample_size}: 64 latent positions = 512 px for SD 1.5 and 2.1-base, 128 for SDXL), or {@code pixels}
     * converted to latent positions when that is positive.
     */
    public int latentTile(int pixels) {
        int side = pixels > 0 ? pixels / vaeFactor() : unet.config().sampleSize();
        return Math.max(latentAlign(), side / latentAlign() * latentAlign());
    }

    /**
     * The latent tile grid for an image: one tile when the padded image fits in {@code latentTile}, else
     * overlapping tiles of that side ({@link LatentTiles#grid}).
     */
    public TileGrid latentGrid(int imageWidth, int imageHeight, int latentTile) {
        Padding pad = Padding.toMultiple(imageHeight, imageWidth, sizeMultiple());
        int f = vaeFactor();
        return LatentTiles.grid(pad.paddedWidth() / f, pad.paddedHeight() / f, latentTile, latentAlign());
    }

    /** The text context {@code [1, 77, C]} of a prompt, in {@code into}. */
    public NDArray encodePrompt(String prompt, NDManager into) {
        if (text == null) {
            throw new IllegalStateException("this model has no text encoder");
        }
        try (NDManager m = into.newSubManager()) {
            NDArray ids = m.create(new long[][] {tokenizer.encode(prompt == null ? "" : prompt)});
            NDArray h = text.encode(ids).lastHiddenState();
            h.attach(into);
            return h;
        }
    }

    /**
     * The scaled latent {@code [1, 4, H'/f, W'/f]} of an image: posterior mean × scaling factor, where H'×W' is
     * the image size padded at the bottom and right (reflection) to multiples of {@link #sizeMultiple()}.
     *
     * @throws IllegalArgumentException naming {@code what} when the image is smaller than 2×2
     */
    public NDArray encodeImage(FloatImage image, String what, NDManager into) {
        if (image.width() < 2 || image.height() < 2) {
            throw new IllegalArgumentException(what + " image is " + image.width() + "×" + image.height()
                    + "; it must be at least 2×2");
        }
        try (NDManager m = into.newSubManager()) {
            Padding pad = Padding.toMultiple(image.height(), image.width(), sizeMultiple());
            NDArray x = pad.apply(Images.toTensor(image, m), PadMode.REFLECT);
            NDArray z = vae.encode(x).mean().mul(vae.scalingFactor());
            z.attach(into);
            return z;
        }
    }

    /**
     * {@link #encodeImage(FloatImage, String, NDManager)} tile by tile over {@code grid} (latent positions, as from
     * {@link #latentGrid}), so the VAE never sees more than one tile; with one tile it is the plain call.
     */
    public NDArray encodeImage(FloatImage image, String what, NDManager into, TileGrid grid,
            TiledCodec.TileListener listener) throws Exception {
        if (!grid.isSplit()) {
            listener.tile(0, 1);
            return encodeImage(image, what, into);
        }
        // a split grid means the image is larger than one tile, so it is never too small here
        try (NDManager m = into.newSubManager()) {
            Padding pad = Padding.toMultiple(image.height(), image.width(), sizeMultiple());
            NDArray x = pad.apply(Images.toTensor(image, m), PadMode.REFLECT);
            float scale = vae.scalingFactor();
            NDArray z = TiledCodec.encode(x, grid.scaled(vaeFactor()), vaeFactor(),
                    tile -> vae.encode(tile).mean().mul(scale), m, listener);
            z.attach(into);
            return z;
        }
    }

    /**
     * {@link #decode(NDArray, int, int)} tile by tile over {@code grid} (latent positions); with one tile it is the
     * plain call.
     */
    public FloatImage decode(NDArray latent, int width, int height, TileGrid grid, TiledCodec.TileListener listener)
            throws Exception {
        if (!grid.isSplit()) {
            listener.tile(0, 1);
            return decode(latent, width, height);
        }
        try (NDManager m = latent.getManager().newSubManager()) {
            float scale = vae.scalingFactor();
            NDArray x = TiledCodec.decode(latent, grid, vaeFactor(), tile -> vae.decode(tile.div(scale)), m,
                    listener);
            return Images.fromTensor(x.get(new ai.djl.ndarray.index.NDIndex(":, :, 0:" + height + ", 0:" + width)));
        }
    }

    /** Decodes a scaled latent to a [0, 1] image. */
    public FloatImage decode(NDArray latent) {
        try (NDManager m = latent.getManager().newSubManager()) {
            NDArray z = latent.div(vae.scalingFactor());
            z.attach(m);
            NDArray x = vae.decode(z);
            x.attach(m);
            return Images.fromTensor(x);
        }
    }

    /** Decodes a scaled latent and crops the padding {@link #encodeImage} added, back to {@code width × height}. */
    public FloatImage decode(NDArray latent, int width, int height) {
        try (NDManager m = latent.getManager().newSubManager()) {
            NDArray z = latent.div(vae.scalingFactor());
            z.attach(m);
            NDArray x = vae.decode(z);
            x.attach(m);
            return Images.fromTensor(x.get(new ai.djl.ndarray.index.NDIndex(":, :, 0:" + height + ", 0:" + width)));
        }
    }

    /** Frees the text encoder, UNet and VAE. */
    @Override
    public void close() {
        if (text != null) {
            text.close();
        }
        unet.close();
        vae.close();
    }
}
