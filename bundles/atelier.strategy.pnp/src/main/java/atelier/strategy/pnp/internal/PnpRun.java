package atelier.strategy.pnp.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import atelier.api.FloatImage;
import atelier.api.spi.RunContext;
import atelier.api.spi.StrategyRun;
import atelier.pipeline.diffusion.RunControl;
import atelier.pipeline.diffusion.SdParts;
import atelier.pipeline.features.StorePolicy;
import atelier.pipeline.tiling.LatentTiles;
import atelier.pipeline.tiling.TileGrid;
import atelier.pipeline.tiling.TiledCodec;
import atelier.strategy.pnp.PlugAndPlay;
import atelier.strategy.pnp.PnpSettings;

/**
 * One PnP run: loads the model, encodes the guidance (content) image and the prompts, runs, decodes. An image larger
 * than one latent tile ({@link PnpSettings#tile()}) is encoded and decoded tile by tile, and the whole method
 * (inversion, feature store, generation) runs once per latent tile, one tile at a time; the tiles' results are
 * blended in latent space ({@link LatentTiles}). PnP draws no noise (DDIM inversion and η = 0 sampling), so tiles
 * need no seeds and the run's seed is not used.
 */
public final class PnpRun implements StrategyRun {
    private final RunContext context;
    private final PnpSettings settings;

    public PnpRun(RunContext context, PnpSettings settings) {
        this.context = context;
        this.settings = settings;
    }

    @Override
    public FloatImage execute() throws Exception {
        NDManager run = context.manager();
        try (SdParts sd = SdParts.load(context.model(context.requestedModel()), run);
                NDManager scope = run.newSubManager()) {
            return execute(sd, context.content(), settings, scope, RunControl.of(context));
        }
    }

    /** The latent tiles PnP uses for a guidance image of {@code width × height} pixels. */
    public static TileGrid grid(SdParts sd, int width, int height, PnpSettings settings) {
        return sd.latentGrid(width, height, sd.latentTile(settings.tile()));
    }

    /**
     * The whole method on loaded parts (tests call it with a test model). Everything it allocates lives in a
     * sub-manager of {@code scope} that is closed before it returns or throws.
     */
    public static FloatImage execute(SdParts sd, FloatImage guidance, PnpSettings settings, NDManager scope,
            RunControl control) throws Exception {
        PlugAndPlay method = new PlugAndPlay(sd.unet(), sd.schedule(), settings);
        TileGrid grid = grid(sd, guidance.width(), guidance.height(), settings);
        try (NDManager work = scope.newSubManager()) {
            NDArray z0 = sd.encodeImage(guidance, "content", work, grid, tiles(control, "encode", grid));
            finished(control, "encode", grid);
            NDArray empty = sd.encodePrompt("", work);
            NDArray src = settings.sourcePrompt().isEmpty() ? empty : sd.encodePrompt(settings.sourcePrompt(), work);
            NDArray neg = settings.negativePrompt().isEmpty() ? empty
                    : sd.encodePrompt(settings.negativePrompt(), work);
            NDArray prompt = sd.encodePrompt(settings.prompt(), work);
            // the store holds one tile's features at a time: size it for one tile
            Shape tile = new Shape(1, z0.getShape().get(1), grid.tileHeight(), grid.tileWidth());
            StorePolicy policy = StorePolicy.resolve(settings.store(), method.needs(tile),
                    StorePolicy.defaultBudget());
            NDArray z = LatentTiles.map(z0, grid,
                    (t, index, tileScope, c) -> method.run(t, src, empty, neg, prompt, policy, tileScope, c).latent(),
                    work, control);
            FloatImage out = sd.decode(z, guidance.width(), guidance.height(), grid, tiles(control, "decode", grid));
            finished(control, "decode", grid);
            return out;
        }
    }

    private static void finished(RunControl control, String phase, TileGrid grid) {
        if (grid.isSplit()) {
            control.progress(phase, grid.tiles().size(), grid.tiles().size());
        }
    }

    /** Checks cancellation before every VAE tile and, when the image is split, reports the tiles done so far. */
    private static TiledCodec.TileListener tiles(RunControl control, String phase, TileGrid grid) {
        return (index, count) -> {
            control.checkCancelled();
            if (grid.isSplit()) {
                control.progress(phase, index, count);
            }
        };
    }
}
