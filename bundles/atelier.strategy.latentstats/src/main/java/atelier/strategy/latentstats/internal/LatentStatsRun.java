package atelier.strategy.latentstats.internal;

import java.io.IOException;
import java.nio.file.Path;

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
import atelier.runtime.taesd.AutoencoderTiny;

/**
 * One latent-stats transfer. Phases: {@code encode} (content, then style), {@code match}, {@code decode}; the
 * cancellation token is checked between them. Each phase works in its own sub-manager of the run's manager and
 * keeps only the latents it hands on. Trace names: {@code encode.content}, {@code encode.style},
 * {@code match.<method>} (the fully stylised latent) and {@code final} (after the strength blend, decoded).
 */
final class LatentStatsRun implements StrategyRun {
    private final RunContext ctx;
    private final NDManager modelManager;
    private final AutoencoderTiny autoencoder;
    private final MatchMethod method;
    private final float strength;
    private final boolean keepColors;

    private LatentStatsRun(RunContext ctx, NDManager modelManager, AutoencoderTiny autoencoder, Params params) {
        this.ctx = ctx;
        this.modelManager = modelManager;
        this.autoencoder = autoencoder;
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
            return new LatentStatsRun(ctx, models, AutoencoderTiny.load(weights, models), params);
        } catch (RuntimeException | Error e) {
            models.close();
            throw e;
        }
    }

    @Override
    public FloatImage execute() throws TransferException {
        ProgressListener progress = ctx.progress();
        CancellationToken cancel = ctx.cancellation();
        NDManager run = ctx.manager();
        FloatImage content = ctx.content();
        Padding padding = Padding.toMultiple(content.height(), content.width(), 8);

        progress.progress("encode", 0, 2);
        NDArray zc = encode(content, padding, run);
        progress.progress("encode", 1, 2);
        cancel.throwIfCancelled();
        FloatImage style = ctx.style();
        NDArray zs = encode(style, Padding.toMultiple(style.height(), style.width(), 8), run);
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
                        + content.width() + "×" + content.height() + " content and " + style.width() + "×"
                        + style.height() + " style");
            }
        }
        progress.progress("match", 0, 1);
        NDArray z;
        try (NDManager step = run.newSubManager()) {
            zc.tempAttach(step);
            zs.tempAttach(step);
            NDArray stylised = method.apply(zc, zs);
            ctx.trace().ifPresent(t -> t.record("match." + method.key(), stylised));
            z = strength >= 1f ? stylised : zc.add(stylised.sub(zc).muli(strength));
            z.attach(run);
        }
        ctx.trace().ifPresent(t -> t.record("final", z));
        progress.progress("match", 1, 1);
        cancel.throwIfCancelled();

        progress.progress("decode", 0, 1);
        FloatImage result;
        try (NDManager step = run.newSubManager()) {
            z.tempAttach(step);
            NDArray image = padding.crop(autoencoder.decode(z)).clip(0f, 1f);
            if (keepColors) {
                image = ColorSpace.lumaWithChroma(image, ImageArrays.toRgbArray(content, step));
            }
            result = ImageArrays.toImage(image);
        }
        progress.progress("decode", 1, 1);
        return result;
    }

    /** Encodes an image (grey replicated to RGB, padded to a multiple of 8) into a latent kept in {@code keep}. */
    private NDArray encode(FloatImage image, Padding padding, NDManager keep) {
        try (NDManager step = keep.newSubManager()) {
            NDArray x = padding.apply(ImageArrays.toRgbArray(image, step), PadMode.REFLECT);
            NDArray z = autoencoder.encode(x);
            z.attach(keep);
            return z;
        }
    }

    @Override
    public void close() {
        modelManager.close();
    }
}
