package atelier.strategy.styleid.internal;

import java.nio.file.Path;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import atelier.api.FloatImage;
import atelier.api.spi.RunCache;
import atelier.api.spi.RunContext;
import atelier.api.spi.StrategyRun;
import atelier.pipeline.cache.MemoryRunCache;
import atelier.pipeline.diffusion.Images;
import atelier.pipeline.diffusion.RunControl;
import atelier.pipeline.diffusion.SdParts;
import atelier.pipeline.features.StorePolicy;
import atelier.pipeline.tiling.LatentTiles;
import atelier.pipeline.tiling.TileGrid;
import atelier.strategy.styleid.StyleId;
import atelier.strategy.styleid.StyleIdSettings;
import atelier.strategy.styleid.StyleSide;

/**
 * One StyleID run: loads the model, plans the latent tiles from the content's size ({@code tile} parameter), encodes
 * the content (tiled VAE) and the style (resized to the content when it is one tile, else to the common tile size),
 * runs StyleID tile by tile against one style half ({@link StyleSide}, kept in the run cache so the tiles and the
 * other planes of a session share it), blends the tiles in latent space and decodes (tiled VAE).
 */
public final class StyleIdRun implements StrategyRun {
    /** The strategy id, first part of every cache key. */
    static final String ID = "styleid";

    private final RunContext context;
    private final StyleIdSettings settings;

    public StyleIdRun(RunContext context, StyleIdSettings settings) {
        this.context = context;
        this.settings = settings;
    }

    @Override
    public FloatImage execute() throws Exception {
        NDManager run = context.manager();
        Path model = context.model(context.requestedModel());
        RunCache cache = context.cache();
        try (SdParts sd = SdParts.load(model, run);
                NDManager scope = run.newSubManager();
                MemoryRunCache own = cache == null ? new MemoryRunCache(scope) : null) {
            return execute(sd, model.toAbsolutePath().normalize().toString(), context.content(), context.style(),
                    settings, cache != null ? cache : own, scope, RunControl.of(context));
        }
    }

    /** The whole method on loaded parts with a cache of this call only (tests call it with a test model). */
    public static FloatImage execute(SdParts sd, FloatImage content, FloatImage style, StyleIdSettings settings,
            NDManager scope, RunControl control) throws Exception {
        try (MemoryRunCache cache = new MemoryRunCache(scope)) {
            return execute(sd, "(this run's model)", content, style, settings, cache, scope, control);
        }
    }

    /**
     * The whole method on loaded parts.
     *
     * @param model names the model in cache keys (its resolved path)
     * @param cache where the style's latent and inversion are kept and looked up
     */
    public static FloatImage execute(SdParts sd, String model, FloatImage content, FloatImage style,
            StyleIdSettings settings, RunCache cache, NDManager scope, RunControl control) throws Exception {
        TileGrid grid = grid(sd, content, settings);
        NDArray z = latent(sd, model, content, style, settings, cache, scope, control);
        int n = grid.tiles().size();
        FloatImage image = sd.decode(z, content.width(), content.height(), grid, (i, count) -> {
            control.checkCancelled();
            control.progress("decode", i, count);
        });
        control.progress("decode", n, n);
        return image;
    }

    /** The latent tile grid of a content image. */
    public static TileGrid grid(SdParts sd, FloatImage content, StyleIdSettings settings) {
        return sd.latentGrid(content.width(), content.height(), sd.latentTile(settings.tile()));
    }

    /**
     * The blended result latent (padded content size), before decoding: encode, then StyleID per latent tile against
     * the cached style half. Created in {@code scope}.
     */
    public static NDArray latent(SdParts sd, String model, FloatImage content, FloatImage style,
            StyleIdSettings settings, RunCache cache, NDManager scope, RunControl control) throws Exception {
        if (content == null || style == null) {
            throw new IllegalArgumentException("styleid needs a content image and a style image");
        }
        StyleId method = new StyleId(sd.unet(), sd.schedule(), settings);
        TileGrid grid = grid(sd, content, settings);
        int f = sd.vaeFactor();
        // one tile: the style takes the content's size (as the reference code); tiles: the common tile size
        int styleWidth = grid.isSplit() ? grid.tileWidth() * f : content.width();
        int styleHeight = grid.isSplit() ? grid.tileHeight() * f : content.height();

        control.progress("encode", 0, 2);
        NDArray zc = sd.encodeImage(content, "content", scope, grid, (i, count) -> {
            control.checkCancelled();
            if (count > 1) {
                control.progress("encode content", i, count);
            }
        });
        String styleId = "model=" + model + "|style=" + style.fingerprint() + "|style-px=" + styleWidth + "x"
                + styleHeight;
        NDArray zs = cache.get(ID + "/style-latent|" + styleId, NDArray.class,
                m -> sd.encodeImage(Images.resize(style, styleWidth, styleHeight), "style", m));
        control.progress("encode", 2, 2);

        Shape tileShape = new Shape(1, zc.getShape().get(1), grid.tileHeight(), grid.tileWidth());
        if (!zs.getShape().equals(tileShape)) {
            throw new IllegalStateException("style latent " + zs.getShape() + " does not match the tile " + tileShape);
        }
        StorePolicy policy = StorePolicy.resolve(settings.store(), method.needs(tileShape),
                StorePolicy.defaultBudget());
        String sideKey = inversionKey(styleId, tileShape, settings, method, policy);
        NDArray empty = sd.encodePrompt("", scope);
        NDArray prompt = settings.prompt().isEmpty() ? empty : sd.encodePrompt(settings.prompt(), scope);
        if (cache.contains(sideKey)) {
            control.progress("inversion style: cached", 1, 1);
        }
        // asked by every tile after its content inversion; computed by the first (progress and traces unprefixed)
        StyleId.StyleSource side = () -> cache.get(sideKey, StyleSide.class, m -> {
            NDArray z0 = zs.duplicate();
            z0.attach(m);
            StyleSide s = method.invertStyle(z0, empty, policy, m, control);
            z0.close();
            return s;
        });
        return LatentTiles.map(zc, grid, (tile, index, tileScope, tileControl) -> {
            tileControl.trace("encode.content", tile);
            tileControl.trace("encode.style", zs);
            return method.run(tile, side, empty, prompt, policy, tileScope, tileControl).latent();
        }, scope, control);
    }

    /**
     * The cache key of a style half: everything its trajectory and features depend on (model, style pixels and size,
     * latent shape, steps, start mode, injected layers, store policy). γ, τ, AdaIN, prompt and guidance act on the
     * generation only.
     */
    static String inversionKey(String styleId, Shape latent, StyleIdSettings settings, StyleId method,
            StorePolicy policy) {
        return ID + "/style-inversion|" + styleId + "|latent=" + latent + "|steps=" + settings.steps() + "|start="
                + settings.start() + "|layers=" + method.layers() + "|store=" + policy.key();
    }
}
