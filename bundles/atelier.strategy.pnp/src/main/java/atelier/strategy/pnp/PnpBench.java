package atelier.strategy.pnp;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Map;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import atelier.api.FloatImage;
import atelier.pipeline.diffusion.BenchSupport;
import atelier.pipeline.diffusion.RunControl;
import atelier.pipeline.diffusion.SdParts;
import atelier.pipeline.features.FeatureNeeds;
import atelier.pipeline.features.StorePolicy;
import atelier.pipeline.tiling.LatentTiles;
import atelier.pipeline.tiling.TileGrid;

/**
 * {@code atelier bench pnp --preset sd15 --size 512 --steps 50 --store recompute [--inversion-steps 50] [--tile 0]}:
 * PnP on random weights and a random image (encode, inversion, generation with guidance, decode), printing one JSON
 * line with the time, the peak resident memory and the feature store's size. Images larger than the tile (default
 * 0: the model's native 512 px) are run as the strategy runs them: tiled VAE, one PnP run per latent tile, blended.
 */
public final class PnpBench {
    private PnpBench() { }

    /** @return the exit code: 0, or 2 for bad arguments */
    public static int run(String[] args, PrintStream out) {
        Map<String, String> a;
        try {
            Map<String, String> d = new LinkedHashMap<>();
            d.put("preset", "sd15");
            d.put("size", "512");
            d.put("steps", "50");
            d.put("inversion-steps", "");
            d.put("store", "recompute");
            d.put("seed", "1");
            d.put("tile", "0");
            a = BenchSupport.args(args, d);
        } catch (IllegalArgumentException e) {
            out.println("bench pnp: " + e.getMessage());
            return 2;
        }
        try (NDManager root = NDManager.newBaseManager()) {
            int size = Integer.parseInt(a.get("size"));
            int steps = Integer.parseInt(a.get("steps"));
            String inv = a.get("inversion-steps").isEmpty() ? Integer.toString(steps) : a.get("inversion-steps");
            long seed = Long.parseLong(a.get("seed"));
            int tauF = Math.round(steps * 0.8f);
            int tauA = Math.round(steps * 0.5f);
            PnpSettings s = PnpSettings.defaults().with(Map.of("steps", Integer.toString(steps), "inversion_steps",
                    inv, "tau_f", Integer.toString(tauF), "tau_a", Integer.toString(tauA), "store", a.get("store"),
                    "tile_size", a.get("tile")));
            try (SdParts sd = BenchSupport.randomModel(a.get("preset"), root, seed);
                    NDManager run = root.newSubManager()) {
                PlugAndPlay method = new PlugAndPlay(sd.unet(), sd.schedule(), s);
                long t0 = System.nanoTime();
                double cpu0 = BenchSupport.processCpuSeconds();
                run.getEngine().setRandomSeed((int) seed);
                FloatImage img = new FloatImage(size, size, 3,
                        run.randomUniform(0f, 1f, new Shape(3L * size * size)).toFloatArray());
                TileGrid grid = sd.latentGrid(size, size, sd.latentTile(s.tile()));
                NDArray z0 = sd.encodeImage(img, "content", run, grid, (i, n) -> { });
                Shape ctxShape = new Shape(1, 77, sd.unet().config().crossAttentionDim());
                NDArray empty = run.randomNormal(ctxShape);
                NDArray neg = run.randomNormal(ctxShape);
                NDArray prompt = run.randomNormal(ctxShape);
                FeatureNeeds needs = method.needs(new Shape(1, z0.getShape().get(1), grid.tileHeight(),
                        grid.tileWidth()));
                StorePolicy policy = StorePolicy.resolve(s.store(), needs, StorePolicy.defaultBudget());
                long[] store = new long[2];
                NDArray z = LatentTiles.map(z0, grid, (t, i, scope, c) -> {
                    PlugAndPlay.Outcome o = method.run(t, empty, empty, neg, prompt, policy, scope, c);
                    store[0] = Math.max(store[0], o.storeBytes());
                    store[1] = Math.max(store[1], o.storeFeatureBytes());
                    return o.latent();
                }, run, RunControl.NONE);
                sd.decode(z, size, size, grid, (i, n) -> { });
                double seconds = (System.nanoTime() - t0) / 1e9;
                Map<String, Object> r = new LinkedHashMap<>();
                r.put("bench", "pnp");
                r.put("preset", a.get("preset"));
                r.put("size", size);
                r.put("steps", steps);
                r.put("inversion_steps", Integer.parseInt(inv));
                r.put("tau_f", tauF);
                r.put("tau_a", tauA);
                r.put("tile", grid.tileWidth() * sd.vaeFactor());
                r.put("tiles", grid.tiles().size());
                r.put("store", policy.key());
                r.put("seconds", seconds);
                r.put("cpu_seconds", BenchSupport.processCpuSeconds() - cpu0);
                r.put("peak_resident_bytes", BenchSupport.peakResidentBytes());
                r.put("store_bytes", store[0]);
                r.put("store_feature_bytes", store[1]);
                r.put("store_mib", store[0] / 1048576.0);
                out.println(BenchSupport.json(r));
                return 0;
            }
        } catch (IllegalArgumentException e) {
            out.println("bench pnp: " + e.getMessage());
            return 2;
        } catch (Exception e) {
            out.println("bench pnp failed: " + e);
            return 1;
        }
    }

    /** Command-line entry for running the benchmark directly. */
    public static void main(String[] args) {
        System.exit(run(args, System.out));
    }
}
