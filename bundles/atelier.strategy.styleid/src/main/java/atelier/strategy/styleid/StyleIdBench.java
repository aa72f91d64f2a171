package atelier.strategy.styleid;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Map;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import atelier.pipeline.diffusion.BenchSupport;
import atelier.pipeline.diffusion.RunControl;
import atelier.pipeline.diffusion.SdParts;
import atelier.pipeline.features.FeatureNeeds;
import atelier.pipeline.features.StorePolicy;

/**
 * {@code atelier bench styleid --preset sd15 --size 512 --steps 50 --store fp16}: StyleID on random weights and
 * random images (VAE encode, inversion of both, generation, decode), printing one JSON line with the time,
 * the peak resident memory and the feature store's size (and the size predicted from the declared needs).
 */
public final class StyleIdBench {
    private StyleIdBench() { }

    /** @return the exit code: 0, or 2 for bad arguments */
    public static int run(String[] args, PrintStream out) {
        Map<String, String> a;
        try {
            a = BenchSupport.args(args, new LinkedHashMap<>(Map.of("preset", "sd15", "size", "512", "steps", "50",
                    "store", "fp16", "layers", "6-11", "seed", "1", "tile", "")));
        } catch (IllegalArgumentException e) {
            out.println("bench styleid: " + e.getMessage());
            return 2;
        }
        try (NDManager root = NDManager.newBaseManager()) {
            int size = Integer.parseInt(a.get("size"));
            int steps = Integer.parseInt(a.get("steps"));
            long seed = Long.parseLong(a.get("seed"));
            try (SdParts sd = BenchSupport.randomModel(a.get("preset"), root, seed);
                    NDManager run = root.newSubManager()) {
                StyleIdSettings s = StyleIdSettings.defaults().withSteps(steps).withLayers(a.get("layers"))
                        .withStore(a.get("store"));
                if (!a.get("tile").isEmpty()) {
                    return tiled(a, sd, s.withTile(Integer.parseInt(a.get("tile"))), size, seed, run, out);
                }
                StyleId method = new StyleId(sd.unet(), sd.schedule(), s);
                long t0 = System.nanoTime();
                double cpu0 = BenchSupport.processCpuSeconds();
                run.getEngine().setRandomSeed((int) seed);
                NDArray ci = run.randomUniform(-1f, 1f, new Shape(1, 3, size, size));
                NDArray si = run.randomUniform(-1f, 1f, new Shape(1, 3, size, size));
                NDArray zc = sd.vae().encode(ci).mean().mul(sd.vae().scalingFactor());
                NDArray zs = sd.vae().encode(si).mean().mul(sd.vae().scalingFactor());
                NDArray ctx = run.randomNormal(new Shape(1, 77, sd.unet().config().crossAttentionDim()));
                FeatureNeeds needs = method.needs(zc.getShape());
                StorePolicy policy = StorePolicy.resolve(s.store(), needs, StorePolicy.defaultBudget());
                StyleId.Outcome o = method.run(zc, zs, ctx, ctx, policy, run, RunControl.NONE);
                sd.decode(o.latent());
                double seconds = (System.nanoTime() - t0) / 1e9;
                Map<String, Object> r = new LinkedHashMap<>();
                r.put("bench", "styleid");
                r.put("preset", a.get("preset"));
                r.put("size", size);
                r.put("steps", steps);
                r.put("store", policy.key());
                r.put("seconds", seconds);
                r.put("cpu_seconds", BenchSupport.processCpuSeconds() - cpu0);
                r.put("peak_resident_bytes", BenchSupport.peakResidentBytes());
                r.put("store_bytes", o.storeBytes());
                r.put("store_feature_bytes", o.storeFeatureBytes());
                r.put("store_mib", o.storeBytes() / 1048576.0);
                r.put("predicted_store_bytes", needs.memoryBytes(policy == StorePolicy.DISK ? StorePolicy.FP32
                        : policy));
                out.println(BenchSupport.json(r));
                return 0;
            }
        } catch (IllegalArgumentException e) {
            out.println("bench styleid: " + e.getMessage());
            return 2;
        } catch (Exception e) {
            out.println("bench styleid failed: " + e);
            return 1;
        }
    }

    /**
     * {@code --tile PX} (0 = the model's native size): the strategy's tiled path on a random {@code size × size}
     * image — tiled VAE, the style encoded and inverted once at the tile size, one StyleID run per latent tile,
     * latent blend, tiled decode (as {@code StyleIdRun}, with random text contexts since the bench model has no
     * text encoder) — so the peak memory of a large image can be measured; the store figures are those of one tile.
     */
    private static int tiled(Map<String, String> a, SdParts sd, StyleIdSettings s, int size, long seed, NDManager run,
            PrintStream out) throws Exception {
        java.util.Random random = new java.util.Random(seed);
        float[] c = new float[3 * size * size];
        for (int i = 0; i < c.length; i++) {
            c[i] = random.nextFloat();
        }
        atelier.api.FloatImage content = new atelier.api.FloatImage(size, size, 3, c);
        atelier.pipeline.tiling.TileGrid grid = sd.latentGrid(size, size, sd.latentTile(s.tile()));
        int f = sd.vaeFactor();
        float[] st = new float[3 * grid.tileWidth() * f * grid.tileHeight() * f];
        for (int i = 0; i < st.length; i++) {
            st[i] = random.nextFloat();
        }
        atelier.api.FloatImage style = new atelier.api.FloatImage(grid.tileWidth() * f, grid.tileHeight() * f, 3, st);
        StyleId method = new StyleId(sd.unet(), sd.schedule(), s);
        long t0 = System.nanoTime();
        double cpu0 = BenchSupport.processCpuSeconds();
        NDArray ctx = run.randomNormal(new Shape(1, 77, sd.unet().config().crossAttentionDim()));
        NDArray zc = sd.encodeImage(content, "content", run, grid, (i, n) -> { });
        NDArray zs = sd.encodeImage(style, "style", run);
        Shape tileShape = zs.getShape();
        FeatureNeeds needs = method.needs(tileShape);
        StorePolicy policy = StorePolicy.resolve(s.store(), needs, StorePolicy.defaultBudget());
        long[] storeBytes = {0};
        try (StyleSide side = method.invertStyle(zs, ctx, policy, run, RunControl.NONE)) {
            NDArray z = atelier.pipeline.tiling.LatentTiles.map(zc, grid, (tile, index, scope, control) -> {
                StyleId.Outcome o = method.run(tile, () -> side, ctx, ctx, policy, scope, control);
                storeBytes[0] = Math.max(storeBytes[0], o.storeBytes());
                return o.latent();
            }, run, RunControl.NONE);
            sd.decode(z, size, size, grid, (i, n) -> { });
        }
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("bench", "styleid");
        r.put("preset", a.get("preset"));
        r.put("size", size);
        r.put("steps", s.steps());
        r.put("store", policy.key());
        r.put("tile", grid.tileWidth() * f);
        r.put("tiles", grid.tiles().size());
        r.put("seconds", (System.nanoTime() - t0) / 1e9);
        r.put("cpu_seconds", BenchSupport.processCpuSeconds() - cpu0);
        r.put("peak_resident_bytes", BenchSupport.peakResidentBytes());
        r.put("tile_store_bytes", storeBytes[0]);
        out.println(BenchSupport.json(r));
        return 0;
    }

    /** Command-line entry for running the benchmark directly. */
    public static void main(String[] args) {
        System.exit(run(args, System.out));
    }
}
