package atelier.strategy.latentstats.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import atelier.api.FloatImage;
import atelier.api.TransferException;
import atelier.api.spi.ParameterSpec;
import atelier.api.spi.Params;
import atelier.api.spi.StrategyRun;
import atelier.pipeline.images.ColorSpace;
import atelier.pipeline.images.ImageArrays;
import atelier.pipeline.stats.LatentStatistics;
import atelier.runtime.taesd.AutoencoderTiny;
import atelier.runtime.taesd.TaesdFamily;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The strategy on the real TAEF2/TAESD weights with the shared test images. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LatentStatsStrategyTest {
    private final LatentStatsStrategy strategy = new LatentStatsStrategy();
    private NDManager root;
    private FloatImage astronaut;
    private FloatImage ihc;

    @BeforeAll
    void load() throws Exception {
        root = NDManager.newBaseManager();
        astronaut = TestRunContext.image("astronaut.png");
        ihc = TestRunContext.image("ihc.png");
    }

    @AfterAll
    void close() {
        root.close();
    }

    private record Run(FloatImage image, TestRunContext ctx, double seconds) { }

    private final Map<Map<String, String>, Run> astronautRuns = new HashMap<>();

    /** Astronaut + ihc runs are shared between tests (each costs seconds). */
    private Run astronautRun(Map<String, String> values) throws Exception {
        Run r = astronautRuns.get(values);
        if (r == null) {
            r = run(astronaut, ihc, values);
            astronautRuns.put(values, r);
        }
        return r;
    }

    private Run run(FloatImage content, FloatImage style, Map<String, String> values) throws Exception {
        TestRunContext ctx = new TestRunContext(content, style, root);
        Params params = strategy.spec().validate(values);
        long t0 = System.nanoTime();
        FloatImage out;
        try (StrategyRun r = strategy.open(ctx, params)) {
            out = r.execute();
        } finally {
            ctx.manager.close();
        }
        return new Run(out, ctx, (System.nanoTime() - t0) / 1e9);
    }

    /** Per-channel mean and std of an RGB image: [m0, m1, m2, s0, s1, s2]. */
    static double[] rgbStats(FloatImage img) {
        FloatImage rgb = img.toRgb();
        double[] r = new double[6];
        int n = rgb.width() * rgb.height();
        float[] d = rgb.data();
        for (int c = 0; c < 3; c++) {
            double sum = 0;
            double sq = 0;
            for (int i = 0; i < n; i++) {
                double v = d[c * n + i];
                sum += v;
                sq += v * v;
            }
            double mean = sum / n;
            r[c] = mean;
            r[3 + c] = Math.sqrt(Math.max(0, sq / n - mean * mean));
        }
        return r;
    }

    static double distance(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += Math.abs(a[i] - b[i]);
        }
        return s;
    }

    @Test
    void adainAndWctOnAstronautWithIhc() throws Exception {
        Run recon = astronautRun(Map.of("strength", "0"));
        Run adain = astronautRun(Map.of("method", "adain"));
        Run wct = astronautRun(Map.of("method", "wct"));
        Png.writeRow(Path.of("target/latent-stats-astronaut-ihc.png"),
                List.of(astronaut, ihc, recon.image(), adain.image(), wct.image()));
        System.out.printf("latent-stats taef2 512x512: reconstruction %.2f s, adain %.2f s, wct %.2f s%n",
                recon.seconds(), adain.seconds(), wct.seconds());

        for (Run r : List.of(recon, adain, wct)) {
            assertEquals(astronaut.width(), r.image().width());
            assertEquals(astronaut.height(), r.image().height());
        }
        double[] style = rgbStats(ihc);
        double before = distance(rgbStats(astronaut), style);
        double afterAdain = distance(rgbStats(adain.image()), style);
        double afterWct = distance(rgbStats(wct.image()), style);
        System.out.printf("RGB mean/std distance to the style: content %.3f, adain %.3f, wct %.3f%n", before,
                afterAdain, afterWct);
        assertTrue(afterAdain < 0.4 * before, "AdaIN: " + afterAdain + " vs content " + before);
        assertTrue(afterWct < 0.4 * before, "WCT: " + afterWct + " vs content " + before);

        // the latent after WCT has the style latent's channel covariance
        NDArray zs = wct.ctx().traced.get("encode.style");
        NDArray zw = wct.ctx().traced.get("match.wct");
        NDArray zc = wct.ctx().traced.get("encode.content");
        assertEquals(32, zs.getShape().get(1), "TAEF2 has 32 latent channels");
        double[][] cs = LatentStatistics.covariance(zs);
        double[][] cw = LatentStatistics.covariance(zw);
        double[][] cc = LatentStatistics.covariance(zc);
        double err = 0;
        double errContent = 0;
        double scale = 0;
        for (int i = 0; i < cs.length; i++) {
            for (int j = 0; j < cs.length; j++) {
                err = Math.max(err, Math.abs(cw[i][j] - cs[i][j]));
                errContent = Math.max(errContent, Math.abs(cc[i][j] - cs[i][j]));
                scale = Math.max(scale, Math.abs(cs[i][j]));
            }
        }
        System.out.printf("latent covariance max error: wct %.2e, content %.2e (scale %.2e)%n", err, errContent,
                scale);
        assertTrue(err < 1e-3 * scale, "WCT covariance off by " + err + " (scale " + scale + ")");
        assertTrue(errContent > 0.05 * scale);
        assertEquals(List.of("encode.content", "encode.style", "match.wct", "final"),
                new ArrayList<>(wct.ctx().traced.keySet()));
        assertEquals(List.of("encode 0/2", "encode 1/2", "encode 2/2", "match 0/1", "match 1/1", "decode 0/1",
                "decode 1/1"), wct.ctx().phases);
    }

    /**
     * The shared design picture was made by a PyTorch prototype on the same weights: columns content, style,
     * reconstruction, AdaIN, WCT, each 512×512 shown at 256×256. Ours, box-downscaled by 2, must match it.
     */
    @Test
    void matchesThePrototypePictures() throws Exception {
        FloatImage design = Png.read(TestRunContext.shared().resolve("design/latent-stats-astronaut-ihc.png"));
        assertEquals(1280, design.width());
        assertEquals(256, design.height());
        List<FloatImage> ours = List.of(astronaut, ihc, astronautRun(Map.of("strength", "0")).image(),
                astronautRun(Map.of("method", "adain")).image(), astronautRun(Map.of("method", "wct")).image());
        double[] mad = new double[5];
        for (int col = 0; col < 5; col++) {
            mad[col] = halfSizeDifference(ours.get(col), design, col);
        }
        double crossed = halfSizeDifference(ours.get(3), design, 4); // our AdaIN against their WCT
        System.out.printf("mean abs difference to the prototype: content %.4f, style %.4f, reconstruction %.4f, "
                + "adain %.4f, wct %.4f (adain vs their wct: %.4f)%n", mad[0], mad[1], mad[2], mad[3], mad[4],
                crossed);
        double resampling = Math.max(mad[0], mad[1]); // what downscaling alone costs
        for (int col = 2; col < 5; col++) {
            assertTrue(mad[col] < resampling + 0.004, "column " + col + " differs by " + mad[col]);
        }
        assertTrue(crossed > 4 * (resampling + 0.004), "the comparison must tell AdaIN from WCT: " + crossed);
    }

    /** Mean absolute difference between {@code ours} box-downscaled by 2 and column {@code col} of the design. */
    private static double halfSizeDifference(FloatImage o, FloatImage design, int col) {
        double sum = 0;
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < 256; y++) {
                for (int x = 0; x < 256; x++) {
                    double v = (o.get(c, 2 * y, 2 * x) + o.get(c, 2 * y, 2 * x + 1) + o.get(c, 2 * y + 1, 2 * x)
                            + o.get(c, 2 * y + 1, 2 * x + 1)) / 4;
                    sum += Math.abs(v - design.get(c, y, 256 * col + x));
                }
            }
        }
        return sum / (3 * 256 * 256);
    }

    @Test
    void strengthZeroIsThePlainReconstruction() throws Exception {
        Run r = astronautRun(Map.of("strength", "0"));
        try (NDManager m = root.newSubManager()) {
            AutoencoderTiny ae = AutoencoderTiny.load(TaesdFamily.locate(TestRunContext.models(), TaesdFamily.FLUX2),
                    m);
            NDArray x = ImageArrays.toRgbArray(astronaut, m);
            NDArray recon = ae.decode(ae.encode(x)).clip(0f, 1f);
            NDArray got = ImageArrays.toArray(r.image(), m);
            float diff = got.sub(recon).abs().max().getFloat();
            assertTrue(diff < 1e-4, "strength 0 differs from the reconstruction by " + diff);
            float mae = recon.sub(x).abs().mean().getFloat();
            assertTrue(mae < 0.05, "reconstruction error " + mae);
        }
    }

    @Test
    void keepColorsKeepsTheContentChroma() throws Exception {
        Run plain = astronautRun(Map.of("method", "adain"));
        Run kept = astronautRun(Map.of("method", "adain", "keep_colors", "true"));
        try (NDManager m = root.newSubManager()) {
            NDArray content = ColorSpace.rgbToYCbCr(ImageArrays.toArray(astronaut, m)).get(":, 1:3");
            NDArray keptC = ColorSpace.rgbToYCbCr(ImageArrays.toArray(kept.image(), m)).get(":, 1:3");
            NDArray plainC = ColorSpace.rgbToYCbCr(ImageArrays.toArray(plain.image(), m)).get(":, 1:3");
            float keptErr = keptC.sub(content).abs().mean().getFloat();
            float plainErr = plainC.sub(content).abs().mean().getFloat();
            System.out.printf("chroma error: keep_colors %.4f, plain %.4f%n", keptErr, plainErr);
            assertTrue(keptErr < 0.01, "chroma moved by " + keptErr);
            assertTrue(plainErr > 3 * keptErr);
            // the luminance is the stylised one
            NDArray keptY = ColorSpace.rgbToYCbCr(ImageArrays.toArray(kept.image(), m)).get(":, 0:1");
            NDArray plainY = ColorSpace.rgbToYCbCr(ImageArrays.toArray(plain.image(), m)).get(":, 0:1");
            assertTrue(keptY.sub(plainY).abs().mean().getFloat() < 0.01);
        }
    }

    @Test
    void anySizeGreyContentAndSmallerStyle() throws Exception {
        FloatImage cell = TestRunContext.image("cell.png"); // 550×660 grey: not a multiple of 8
        assertEquals(1, cell.channels());
        FloatImage smallStyle = crop(ihc, 200, 131);
        Run r = run(cell, smallStyle, Map.of("autoencoder", "taesd", "method", "wct"));
        assertEquals(cell.width(), r.image().width());
        assertEquals(cell.height(), r.image().height());
        assertEquals(3, r.image().channels());
        Png.writeRow(Path.of("target/latent-stats-cell-ihc-taesd.png"), List.of(cell, smallStyle, r.image()));
        assertEquals(4, r.ctx().traced.get("encode.content").getShape().get(1), "TAESD has 4 latent channels");
        double[] style = rgbStats(smallStyle);
        assertTrue(distance(rgbStats(r.image()), style) < 0.5 * distance(rgbStats(cell), style));
    }

    @Test
    void cancellationBetweenPhases() throws Exception {
        TestRunContext ctx = new TestRunContext(crop(astronaut, 64, 64), crop(ihc, 64, 64), root) {
            @Override
            public atelier.api.ProgressListener progress() {
                return (phase, done, total) -> {
                    if (phase.equals("encode") && done == 1) {
                        cancel.cancel();
                    }
                };
            }
        };
        try (StrategyRun r = strategy.open(ctx, strategy.spec().validate(Map.of()))) {
            TransferException e = assertThrows(TransferException.class, r::execute);
            assertEquals(TransferException.Kind.CANCELLED, e.kind());
        } finally {
            ctx.manager.close();
        }
    }

    @Test
    void everyParameterSaysWhatItDoesAndItsDefault() {
        for (ParameterSpec p : strategy.spec().parameters()) {
            assertTrue(p.help().length() > 40, p.key());
            assertTrue(p.help().toLowerCase().contains("default " + p.defaultValue().replace(".0", "")),
                    p.key() + ": " + p.help());
        }
        Map<String, String> bad = new HashMap<>(Map.of("strength", "1.5"));
        assertThrows(IllegalArgumentException.class, () -> strategy.spec().validate(bad));
    }

    static FloatImage crop(FloatImage img, int w, int h) {
        float[] d = new float[img.channels() * w * h];
        for (int c = 0; c < img.channels(); c++) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    d[(c * h + y) * w + x] = img.get(c, y, x);
                }
            }
        }
        return new FloatImage(w, h, img.channels(), d);
    }
}
