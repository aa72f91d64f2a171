package atelier.strategy.latentstats.internal;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import ai.djl.ndarray.NDManager;
import atelier.api.FloatImage;
import atelier.api.spi.StrategyRun;

import org.junit.jupiter.api.Test;

/**
 * How far the tiled autoencoder is from one whole-image pass: stylises real images of about 1024² (the Hubble deep
 * field, 1000×872, and a 1024² collage of astronaut, camera, brick and grass) with WCT and ihc as the style, once
 * in one tile and once in 512 px tiles with several overlaps, and prints the max, 99.9th percentile and mean
 * absolute pixel difference. Not part of the normal test run; run it with
 * {@code mvn -q -B -o -pl bundles/atelier.strategy.latentstats -am test -Dtest=TilingDifferenceBenchmark
 * -Dsurefire.failIfNoSpecifiedTests=false} (system properties {@code bench.autoencoders}, default
 * {@code taesd,taef2}, and {@code bench.overlaps}, default {@code 32,64,128}).
 */
class TilingDifferenceBenchmark {

    @Test
    void tiledAgainstWholeAt1024() throws Exception {
        FloatImage style = TestRunContext.image("ihc.png");
        Map<String, FloatImage> contents = Map.of(
                "hubble 1000x872", TestRunContext.image("hubble_deep_field.jpg"),
                "collage 1024x1024", collage(List.of(TestRunContext.image("astronaut.png"),
                        TestRunContext.image("camera.png"), TestRunContext.image("brick.png"),
                        TestRunContext.image("grass.png"))));
        String[] autoencoders = System.getProperty("bench.autoencoders", "taesd,taef2").split(",");
        int[] overlaps = Arrays.stream(System.getProperty("bench.overlaps", "32,64,128").split(","))
                .mapToInt(Integer::parseInt).toArray();
        LatentStatsStrategy strategy = new LatentStatsStrategy();
        try (NDManager root = NDManager.newBaseManager()) {
            for (String ae : autoencoders) {
                for (Map.Entry<String, FloatImage> e : contents.entrySet()) {
                    FloatImage content = e.getValue();
                    int side = (Math.max(content.width(), content.height()) + 7) / 8 * 8;
                    long t0 = System.nanoTime();
                    FloatImage whole = run(strategy, root, content, style, ae, new CodecTiles(side, 0));
                    double wholeSeconds = (System.nanoTime() - t0) / 1e9;
                    for (int overlap : overlaps) {
                        long t1 = System.nanoTime();
                        FloatImage tiled = run(strategy, root, content, style, ae, new CodecTiles(512, overlap));
                        double seconds = (System.nanoTime() - t1) / 1e9;
                        double[] d = difference(whole, tiled);
                        System.out.printf(Locale.ROOT, "%s %s wct: 512 px tiles, overlap %3d px: max %.4f, "
                                + "p99.9 %.4f, mean %.5f abs difference to one tile (%.1f s tiled, %.1f s whole)%n",
                                ae, e.getKey(), overlap, d[0], d[1], d[2], seconds, wholeSeconds);
                    }
                }
            }
        }
    }

    static FloatImage run(LatentStatsStrategy strategy, NDManager root, FloatImage content, FloatImage style,
            String autoencoder, CodecTiles tiles) throws Exception {
        return run(strategy, root, content, style, autoencoder, tiles, "method", "wct");
    }

    static FloatImage run(LatentStatsStrategy strategy, NDManager root, FloatImage content, FloatImage style,
            String autoencoder, CodecTiles tiles, String... keyValues) throws Exception {
        Map<String, String> values = new java.util.HashMap<>(Map.of("autoencoder", autoencoder));
        for (int i = 0; i < keyValues.length; i += 2) {
            values.put(keyValues[i], keyValues[i + 1]);
        }
        TestRunContext ctx = new TestRunContext(content, style, root) {
            @Override
            public java.util.Optional<atelier.api.spi.TraceSink> trace() { return java.util.Optional.empty(); }
        };
        try (StrategyRun r = LatentStatsRun.open(ctx, strategy.spec().validate(values)).withTiles(tiles)) {
            return r.execute();
        } finally {
            ctx.manager.close();
            ctx.traceManager.close();
        }
    }

    /** Max, 99.9th percentile and mean of |a − b| over all values. */
    static double[] difference(FloatImage a, FloatImage b) {
        float[] x = a.data();
        float[] y = b.data();
        float[] d = new float[x.length];
        double sum = 0;
        for (int i = 0; i < x.length; i++) {
            d[i] = Math.abs(x[i] - y[i]);
            sum += d[i];
        }
        Arrays.sort(d);
        return new double[] {d[d.length - 1], d[(int) (0.999 * (d.length - 1))], sum / d.length};
    }

    /** Four 512² images (grey ones as RGB) as one 1024² RGB image, row by row. */
    static FloatImage collage(List<FloatImage> parts) {
        int n = 1024;
        float[] d = new float[3 * n * n];
        for (int k = 0; k < 4; k++) {
            FloatImage p = parts.get(k).toRgb();
            int ox = (k % 2) * 512;
            int oy = (k / 2) * 512;
            for (int c = 0; c < 3; c++) {
                for (int y = 0; y < 512; y++) {
                    for (int x = 0; x < 512; x++) {
                        d[(c * n + oy + y) * n + ox + x] = p.get(c, y, x);
                    }
                }
            }
        }
        return new FloatImage(n, n, 3, d);
    }
}
