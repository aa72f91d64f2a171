package atelier.strategy.latentstats.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.function.UnaryOperator;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import atelier.api.CancellationToken;
import atelier.api.FloatImage;
import atelier.api.ProgressListener;
import atelier.api.TransferException;
import atelier.api.spi.Params;
import atelier.api.spi.RunContext;
import atelier.api.spi.StrategyRun;
import atelier.pipeline.images.ColorSpace;
import atelier.pipeline.images.ImageArrays;
import atelier.pipeline.images.PadMode;
import atelier.pipeline.images.Padding;
import atelier.pipeline.tiling.TileGrid;
import atelier.pipeline.tiling.TiledCodec;
import atelier.runtime.taesd.AutoencoderTiny;
import atelier.runtime.taesd.TaesdStages;

/**
 * One latent-stats transfer. Phases: {@code encode} (content, then style), {@code match}, {@code decode}; the
 * cancellation token is checked between them and before every tile. Trace names: {@code encode.content},
 * {@code encode.style}, {@code match.<method>} (the fully stylised latent) and {@code final} (after the strength
 * blend, decoded).
 * <p>
 * The autoencoder's high-resolution layers work on pixel tiles ({@link CodecTiles}: 512 px overlapping by 128 px,
 * blended with feathered weights); its latent-scale layers ({@link TaesdStages}'s global parts, which hold TAEF2's
 * GroupNorm blocks) and the statistics work on the whole 1/8-scale map (a 4096² image has a 512² latent), so a large
 * image is normalised once, as a whole, and the high-resolution layers never see more than one tile. An image that
 * fits one tile is encoded and decoded in one call. The style's latent is computed once per
 * {@link RunContext#cache() cache} (all planes of a stack share it). Everything the run computes lives in a
 * sub-manager of the run's manager that is closed when {@link #execute()} returns or throws.
 */
final class LatentStatsRun implements StrategyRun {
    private final RunContext ctx;
    private final NDManager modelManager;
    private final AutoencoderTiny autoencoder;
    private final Path weights;
    private final MatchMethod method;
    private final float strength;
    private final boolean keepColors;
    private CodecTiles tiles = CodecTiles.DEFAULT;

    private LatentStatsRun(RunContext ctx, NDManager modelManager, AutoencoderTiny autoencoder, Path weights,
            Params params) {
        this.ctx = ctx;
        this.modelManager = modelManager;
        this.autoencoder = autoencoder;
        this.weights = weights;
        this.method = MatchMethod.of(params.getString(LatentStatsStrategy.METHOD));
        this.strength = params.getFloat(LatentStatsStrategy.STRENGTH);
        this.keepColors = params.getBoolean(LatentStatsStrategy.KEEP_COLORS);
    }

    /** Resolves and loads the autoencoder (the request's model if it names one, else the parameter's). */
    static LatentStatsRun open(RunContext ctx, Params params) throws IOException {
        String family = params.getString(LatentStatsStrategy.AUTOENCODER);
        String requested = ctx.requestedModel();
        String name = requested == null || requested.isBlank() ? family : requested;
        Path weights = AutoencoderWeights.resolve(ctx, name, family);
        NDManager models = ctx.manager().newSubManager();
        try {
            return new LatentStatsRun(ctx, models, AutoencoderTiny.load(weights, models), weights, params);
        } catch (RuntimeException | Error e) {
            models.close();
            throw e;
        }
    }

    /** Other tiles than the default (tests force small ones to exercise the blending on small images). */
    LatentStatsRun withTiles(CodecTiles t) {
        this.tiles = t;
        return this;
    }

    @Override
    public FloatImage execute() throws TransferException {
        try (NDManager work = ctx.manager().newSubManager()) {
            return execute(work);
        } catch (TransferException | RuntimeException | Error e) {
            throw e;
        } catch (Exception e) {
            throw new TransferException(TransferException.Kind.INTERNAL, "latent-stats: " + e, e);
        }
    }

    private FloatImage execute(NDManager work) throws Exception {
        ProgressListener progress = ctx.progress();
        CancellationToken cancel = ctx.cancellation();
        FloatImage content = ctx.content();
        Padding padding = Padding.toMultiple(content.height(), content.width(), CodecTiles.FACTOR);

        progress.progress("encode", 0, 2);
        NDArray zc = encode(content, work, "encode content");
        progress.progress("encode", 1, 2);
        cancel.throwIfCancelled();
        NDArray zs = styleLatent();
        progress.progress("encode", 2, 2);
        ctx.trace().ifPresent(t -> {
            t.record("encode.content", zc);
            t.record("encode.style", zs);
        });
        cancel.throwIfCancelled();

        for (NDArray z : new NDArray[] {zc, zs}) {
            if (method == MatchMethod.WCT && z.getShape().get(2) * z.getShape().get(3) < 2) {
                throw new TransferException(TransferException.Kind.BAD_INPUT, "wct needs images of at least 16 "
                        + "pixels in one direction (a latent of 2 positions) to measure a covariance; got "
                        + content.width() + "×" + content.height() + " content and " + ctx.style().width() + "×"
                        + ctx.style().height() + " style");
            }
        }
        progress.progress("match", 0, 1);
        NDArray z;
        try (NDManager step = work.newSubManager()) {
            zc.tempAttach(step);
            // the cached style latent stays where it is; its statistics are computed on a copy in this step
            NDArray style = zs.duplicate();
            style.attach(step);
            NDArray stylised = method.apply(zc, style);
            ctx.trace().ifPresent(t -> t.record("match." + method.key(), stylised));
            z = strength >= 1f ? stylised : zc.add(stylised.sub(zc).muli(strength));
            z.attach(work);
        }
        ctx.trace().ifPresent(t -> t.record("final", z));
        progress.progress("match", 1, 1);
        cancel.throwIfCancelled();

        progress.progress("decode", 0, 1);
        FloatImage result = decode(z, content, padding, work);
        progress.progress("decode", 1, 1);
        return result;
    }

    /**
     * The style's latent from the run cache, encoded on a miss. The key names what the latent depends on: the
     * strategy, the autoencoder's weights, the style's pixels and the tiles (the method does not matter: the
     * statistics are taken from the latent in each run).
     */
    private NDArray styleLatent() throws Exception {
        FloatImage style = ctx.style();
        String key = LatentStatsStrategy.ID + ":style-latent:" + weights.toAbsolutePath().normalize() + ":"
                + tiles.key() + ":" + style.fingerprint();
        return ctx.cache().get(key, NDArray.class, m -> encode(style, m, "encode style"));
    }

    /**
     * Encodes an image (padded to a multiple of 8, grey replicated to RGB per tile) into a latent created in
     * {@code keep}. One tile: one {@link AutoencoderTiny#encode} call. Several: the encoder's local part
     * ({@link TaesdStages}, image → 1/8) runs per tile, the blended 1/8 feature map then goes through the global
     * part (the latent-scale blocks, TAEF2's GroupNorm included) in one piece.
     */
    private NDArray encode(FloatImage image, NDManager keep, String phase) throws Exception {
        Padding padding = Padding.toMultiple(image.height(), image.width(), CodecTiles.FACTOR);
        TileGrid grid = tiles.pixels(padding.paddedWidth(), padding.paddedHeight());
        try (NDManager step = keep.newSubManager()) {
            NDArray x = padding.apply(ImageArrays.toArray(image, step), PadMode.REFLECT);
            if (!grid.isSplit()) {
                UnaryOperator<NDArray> encoder = tile -> autoencoder.encode(rgb(tile));
                return TiledCodec.encode(x, grid, CodecTiles.FACTOR, encoder, keep, tileListener(phase, grid));
            }
            TaesdStages stages = stages(autoencoder.encodeStages());
            NDArray features = TiledCodec.encode(x, grid, stages.localFactor(), tile -> stages.local(rgb(tile)), step,
                    tileListener(phase, grid));
            tilesDone(phase, grid);
            ctx.cancellation().throwIfCancelled();
            NDArray z = stages.global(features);
            z.attach(keep);
            return z;
        }
    }

    private static NDArray rgb(NDArray tile) {
        return tile.getShape().get(1) == 1 ? tile.repeat(1, 3) : tile;
    }

    /** The tiles are laid out for the autoencoder's factor 8: the local parts must scale by as much. */
    private static TaesdStages stages(TaesdStages s) {
        if (s.localFactor() != CodecTiles.FACTOR) {
            throw new IllegalStateException("latent-stats tiles need an autoencoder whose tiled part scales by "
                    + CodecTiles.FACTOR + ", got " + s);
        }
        return s;
    }

    /**
     * Decodes {@code z}, crops the padding away and clips to [0, 1]; keep_colors is done per tile. One tile: one
     * {@link AutoencoderTiny#decode} call. Several: the decoder's global part (latent-scale blocks, TAEF2's GroupNorm
     * included) runs on the whole latent, its 1/8 feature map is then decoded tile by tile by the local part.
     */
    private FloatImage decode(NDArray z, FloatImage content, Padding padding, NDManager work) throws Exception {
        TileGrid grid = tiles.latent((int) z.getShape().get(3), (int) z.getShape().get(2));
        TileGrid pixels = grid.scaled(CodecTiles.FACTOR);
        TaesdStages stages = grid.isSplit() ? stages(autoencoder.decodeStages()) : null;
        int[] current = {0};
        TiledCodec.TileListener listener = tileListener("decode", grid);
        UnaryOperator<NDArray> decoder = tile -> {
            NDArray image = stages == null ? autoencoder.decode(tile) : stages.local(tile);
            if (!keepColors) {
                return image;
            }
            NDArray chroma = ContentTile.of(content, pixels.tiles().get(current[0]), image.getManager());
            return ColorSpace.lumaWithChroma(image.clip(0f, 1f), chroma);
        };
        try (NDManager step = work.newSubManager()) {
            z.tempAttach(step); // a single tile is decoded in z's manager: keep that in this step
            NDArray in = stages == null ? z : stages.global(z); // lands in step, with z
            NDArray decoded = TiledCodec.decode(in, grid, CodecTiles.FACTOR, decoder, step, (i, n) -> {
                current[0] = i;
                listener.tile(i, n);
            });
            tilesDone("decode", grid);
            return ImageArrays.toImage(padding.crop(decoded).clip(0f, 1f));
        }
    }

    /** Checks for cancellation before every tile; reports {@code <phase> tiles i/N} when the image is split. */
    private TiledCodec.TileListener tileListener(String phase, TileGrid grid) {
        return (i, n) -> {
            ctx.cancellation().throwIfCancelled();
            if (grid.isSplit()) {
                ctx.progress().progress(phase + " tiles", i, n);
            }
        };
    }

    private void tilesDone(String phase, TileGrid grid) {
        if (grid.isSplit()) {
            ctx.progress().progress(phase + " tiles", grid.tiles().size(), grid.tiles().size());
        }
    }

    @Override
    public void close() {
        modelManager.close();
    }
}
