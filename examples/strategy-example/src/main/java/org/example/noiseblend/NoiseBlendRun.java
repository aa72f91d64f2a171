package org.example.noiseblend;

import java.util.SplittableRandom;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import atelier.api.FloatImage;
import atelier.api.TransferException;
import atelier.api.spi.Params;
import atelier.api.spi.RunContext;
import atelier.api.spi.StrategyRun;
import atelier.pipeline.images.ImageArrays;
import atelier.pipeline.images.PadMode;
import atelier.pipeline.images.Padding;
import atelier.pipeline.stats.LatentStatistics;
import atelier.runtime.taesd.AutoencoderTiny;

/** One noise-blend run: encode, blend toward the style's statistics, add grain, decode. */
final class NoiseBlendRun implements StrategyRun {
    private final RunContext ctx;
    private final NDManager models;
    private final AutoencoderTiny autoencoder;
    private final float blend;
    private final float amount;

    private NoiseBlendRun(RunContext ctx, NDManager models, AutoencoderTiny autoencoder, Params params) {
        this.ctx = ctx;
        this.models = models;
        this.autoencoder = autoencoder;
        this.blend = params.getFloat(NoiseBlendStrategy.BLEND);
        this.amount = params.getFloat(NoiseBlendStrategy.AMOUNT);
    }

    static NoiseBlendRun open(RunContext ctx, Params params) throws Exception {
        String requested = ctx.requestedModel();
        String name = requested == null || requested.isBlank() ? params.getString(NoiseBlendStrategy.AUTOENCODER)
                : requested;
        NDManager models = ctx.manager().newSubManager();
        try {
            return new NoiseBlendRun(ctx, models, AutoencoderTiny.load(ctx.model(name), models), params);
        } catch (Exception e) {
            models.close();
            throw e;
        }
    }

    @Override
    public FloatImage execute() throws TransferException {
        FloatImage content = ctx.content();
        FloatImage style = ctx.style();
        Padding padding = Padding.toMultiple(content.height(), content.width(), 8);
        Padding stylePadding = Padding.toMultiple(style.height(), style.width(), 8);
        try (NDManager step = ctx.manager().newSubManager()) {
            ctx.progress().progress("encode", 0, 2);
            NDArray zc = autoencoder.encode(padding.apply(ImageArrays.toRgbArray(content, step), PadMode.REFLECT));
            ctx.progress().progress("encode", 1, 2);
            ctx.cancellation().throwIfCancelled();
            NDArray zs = autoencoder.encode(stylePadding.apply(ImageArrays.toRgbArray(style, step),
                    PadMode.REFLECT));
            ctx.progress().progress("encode", 2, 2);
            ctx.cancellation().throwIfCancelled();

            ctx.progress().progress("blend", 0, 1);
            NDArray styleStd = LatentStatistics.channelStd(zs, LatentStatistics.EPS);
            NDArray matched = LatentStatistics.adain(zc, zs, LatentStatistics.EPS);
            NDArray blended = zc.add(matched.sub(zc).muli(blend));
            NDArray z = amount > 0
                    ? blended.add(gaussian(step, blended.getShape(), ctx.seed()).muli(styleStd).muli(amount))
                    : blended;
            ctx.trace().ifPresent(t -> t.record("final", z));
            ctx.progress().progress("blend", 1, 1);
            ctx.cancellation().throwIfCancelled();

            ctx.progress().progress("decode", 0, 1);
            FloatImage result = ImageArrays.toImage(padding.crop(autoencoder.decode(z)));
            ctx.progress().progress("decode", 1, 1);
            return result;
        }
    }

    /** Standard normal noise from the seed, generated in Java so every engine gives the same grain. */
    static NDArray gaussian(NDManager manager, Shape shape, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] values = new float[Math.toIntExact(shape.size())];
        for (int i = 0; i < values.length; i += 2) {
            // Box–Muller: two independent normals per pair of uniforms
            double u1 = 1.0 - random.nextDouble();
            double u2 = random.nextDouble();
            double r = Math.sqrt(-2 * Math.log(u1));
            values[i] = (float) (r * Math.cos(2 * Math.PI * u2));
            if (i + 1 < values.length) {
                values[i + 1] = (float) (r * Math.sin(2 * Math.PI * u2));
            }
        }
        return manager.create(values, shape);
    }

    @Override
    public void close() {
        models.close();
    }
}
