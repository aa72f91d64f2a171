package org.example.noiseblend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import atelier.api.CancellationToken;
import atelier.api.FloatImage;
import atelier.api.ProgressListener;
import atelier.api.spi.ParameterSpec;
import atelier.api.spi.RunContext;
import atelier.api.spi.StrategyRun;
import atelier.api.spi.TraceSink;
import atelier.runtime.taesd.TaesdFamily;

import org.junit.jupiter.api.Test;

class NoiseBlendStrategyTest {
    private final NoiseBlendStrategy strategy = new NoiseBlendStrategy();

    static Path models() {
        return Path.of(System.getProperty("atelier.shared", "../../../shared")).resolve("models");
    }

    /** A smooth synthetic picture: no files needed. */
    static FloatImage gradient(int w, int h, float tint) {
        float[] d = new float[3 * w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                d[y * w + x] = (float) x / w;
                d[(h + y) * w + x] = (float) y / h;
                d[(2 * h + y) * w + x] = tint;
            }
        }
        return new FloatImage(w, h, 3, d);
    }

    private FloatImage run(long seed, Map<String, String> values) throws Exception {
        return run(gradient(70, 45, 0.2f), gradient(32, 40, 0.9f), seed, values);
    }

    private FloatImage run(FloatImage content, FloatImage style, long seed, Map<String, String> values)
            throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            atelier.pipeline.cache.MemoryRunCache cache = new atelier.pipeline.cache.MemoryRunCache(m);
            RunContext ctx = new RunContext() {
                @Override public FloatImage content() { return content; }
                @Override public FloatImage style() { return style; }
                @Override public long seed() { return seed; }
                @Override public NDManager manager() { return m; }
                @Override public ProgressListener progress() { return ProgressListener.NONE; }
                @Override public CancellationToken cancellation() { return new CancellationToken(); }
                @Override public String requestedModel() { return ""; }
                @Override public Optional<TraceSink> trace() { return Optional.empty(); }
                @Override public atelier.api.spi.RunCache cache() { return cache; }

                @Override
                public Path model(String name) throws IOException {
                    for (TaesdFamily f : TaesdFamily.values()) {
                        if (f.storeName().equals(name)) {
                            return TaesdFamily.locate(models(), f);
                        }
                    }
                    throw new IOException("no model " + name);
                }
            };
            try (StrategyRun r = strategy.open(ctx, strategy.spec().validate(values))) {
                return r.execute();
            }
        }
    }

    private static double meanAbsDiff(FloatImage a, FloatImage b) {
        float[] x = a.data();
        float[] y = b.data();
        double s = 0;
        for (int i = 0; i < x.length; i++) {
            s += Math.abs(x[i] - y[i]);
        }
        return s / x.length;
    }

    @Test
    void sameSeedSamePictureOtherSeedOtherGrain() throws Exception {
        FloatImage a = run(1, Map.of());
        FloatImage b = run(1, Map.of());
        FloatImage c = run(2, Map.of());
        assertEquals(70, a.width());
        assertEquals(45, a.height());
        assertEquals(a, b, "same seed, same result");
        assertNotEquals(a, c);
        assertTrue(meanAbsDiff(a, c) > 0.005, "the seed changes the grain");
    }

    @Test
    void blendMovesTowardTheStyleAndNoGrainNoBlendIsTheReconstruction() throws Exception {
        FloatImage content = gradient(70, 45, 0.2f);
        FloatImage recon = run(1, Map.of("blend", "0", "amount", "0"));
        assertTrue(meanAbsDiff(recon, content) < 0.06, "reconstruction error " + meanAbsDiff(recon, content));
        FloatImage blended = run(1, Map.of("blend", "1", "amount", "0"));
        // the style is bluer (tint 0.9 in the third channel)
        double blueRecon = mean(recon, 2);
        double blueBlended = mean(blended, 2);
        assertTrue(blueBlended > blueRecon + 0.2, blueRecon + " → " + blueBlended);
    }

    private static double mean(FloatImage img, int channel) {
        double s = 0;
        for (int y = 0; y < img.height(); y++) {
            for (int x = 0; x < img.width(); x++) {
                s += img.get(channel, y, x);
            }
        }
        return s / (img.width() * img.height());
    }

    /** Writes content, style and results for three settings to target/noise-blend-astronaut-ihc.png. */
    @Test
    void picturesForALook() throws Exception {
        Path images = models().getParent().resolve("images");
        FloatImage content = halfSize(readPng(images.resolve("astronaut.png")));
        FloatImage style = halfSize(readPng(images.resolve("ihc.png")));
        FloatImage a = run(content, style, 42, Map.of());
        FloatImage b = run(content, style, 42, Map.of("blend", "1", "amount", "0"));
        FloatImage c = run(content, style, 42, Map.of("blend", "1", "amount", "1"));
        assertEquals(content.width(), a.width());
        writeRow(Path.of("target/noise-blend-astronaut-ihc.png"), java.util.List.of(content, style, a, b, c));
    }

    /** 2×2 box average (keeps the test quick). */
    static FloatImage halfSize(FloatImage img) {
        int w = img.width() / 2;
        int h = img.height() / 2;
        float[] d = new float[img.channels() * w * h];
        for (int c = 0; c < img.channels(); c++) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    d[(c * h + y) * w + x] = (img.get(c, 2 * y, 2 * x) + img.get(c, 2 * y, 2 * x + 1)
                            + img.get(c, 2 * y + 1, 2 * x) + img.get(c, 2 * y + 1, 2 * x + 1)) / 4;
                }
            }
        }
        return new FloatImage(w, h, img.channels(), d);
    }

    static FloatImage readPng(Path file) throws IOException {
        java.awt.image.BufferedImage img = javax.imageio.ImageIO.read(file.toFile());
        int w = img.getWidth();
        int h = img.getHeight();
        float[] d = new float[3 * w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int rgb = img.getRGB(x, y);
                d[y * w + x] = ((rgb >> 16) & 255) / 255f;
                d[(h + y) * w + x] = ((rgb >> 8) & 255) / 255f;
                d[(2 * h + y) * w + x] = (rgb & 255) / 255f;
            }
        }
        return new FloatImage(w, h, 3, d);
    }

    static void writeRow(Path file, java.util.List<FloatImage> row) throws IOException {
        int w = row.stream().mapToInt(FloatImage::width).sum();
        int h = row.stream().mapToInt(FloatImage::height).max().orElse(1);
        java.awt.image.BufferedImage out = new java.awt.image.BufferedImage(w, h,
                java.awt.image.BufferedImage.TYPE_INT_RGB);
        int x0 = 0;
        for (FloatImage im : row) {
            FloatImage rgb = im.toRgb();
            for (int y = 0; y < rgb.height(); y++) {
                for (int x = 0; x < rgb.width(); x++) {
                    int r = Math.round(rgb.get(0, y, x) * 255);
                    int g = Math.round(rgb.get(1, y, x) * 255);
                    int b = Math.round(rgb.get(2, y, x) * 255);
                    out.setRGB(x0 + x, y, (r << 16) | (g << 8) | b);
                }
            }
            x0 += rgb.width();
        }
        java.nio.file.Files.createDirectories(file.toAbsolutePath().getParent());
        javax.imageio.ImageIO.write(out, "png", file.toFile());
    }

    @Test
    void gaussianNoiseIsStandardNormalAndSeeded() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray n = NoiseBlendRun.gaussian(m, new Shape(1, 4, 64, 65), 7);
            assertEquals(0, n.mean().getFloat(), 0.02);
            assertEquals(1, n.square().mean().getFloat(), 0.03);
            assertTrue(n.contentEquals(NoiseBlendRun.gaussian(m, new Shape(1, 4, 64, 65), 7)));
        }
    }

    @Test
    void everyParameterSaysItsDefault() {
        for (ParameterSpec p : strategy.spec().parameters()) {
            assertTrue(p.help().contains("Default " + p.defaultValue()), p.key() + ": " + p.help());
        }
    }
}
