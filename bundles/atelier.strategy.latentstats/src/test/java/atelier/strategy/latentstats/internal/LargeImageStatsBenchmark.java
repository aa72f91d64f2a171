package atelier.strategy.latentstats.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import ai.djl.ndarray.NDManager;
import atelier.api.FloatImage;
import atelier.api.ProgressListener;
import atelier.api.spi.StrategyRun;

import org.junit.jupiter.api.Test;

/**
 * Memory and time of one 4096×4096 transfer through the strategy (whole image in, the strategy tiles the
 * autoencoder itself): the synthetic 16-bit micrograph of the Fiji plugin's {@code LargeImageBenchmark} (same
 * formula and seed), scaled to [0, 1] by its range, with ihc as the style. Prints the wall time, the time per phase,
 * the peak resident set size of the process (VmHWM from {@code /proc/self/status}, reset just before the run where
 * the kernel allows it) and the peak Java heap. Not part of the normal test run (the class name does not end in
 * Test); run it alone, so no other test's memory counts:
 * <pre>
 * OMP_NUM_THREADS=2 mvn -q -B -o -pl bundles/atelier.strategy.latentstats -am test -Dtest=LargeImageStatsBenchmark \
 *     -Dsurefire.failIfNoSpecifiedTests=false -Dbench.autoencoder=taesd -Dbench.method=wct
 * </pre>
 */
class LargeImageStatsBenchmark {

    @Test
    void micrograph4096() throws Exception {
        int n = Integer.getInteger("bench.size", 4096);
        String autoencoder = System.getProperty("bench.autoencoder", "taesd");
        String method = System.getProperty("bench.method", "wct");
        FloatImage content = micrograph(n);
        FloatImage style = TestRunContext.image("ihc.png");
        LatentStatsStrategy strategy = new LatentStatsStrategy();
        Runtime rt = Runtime.getRuntime();
        try (NDManager root = NDManager.newBaseManager()) {
            // engine started and inputs in memory: what the process holds before the transfer
            String before = status("VmRSS");
            boolean reset = resetPeak();
            long[] peakHeap = {0};
            Thread sampler = new Thread(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    peakHeap[0] = Math.max(peakHeap[0], rt.totalMemory() - rt.freeMemory());
                    try {
                        Thread.sleep(100);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            sampler.setDaemon(true);
            sampler.start();
            Map<String, Double> times = new LinkedHashMap<>();
            long[] last = {System.nanoTime()};
            TestRunContext ctx = new TestRunContext(content, style, root) {
                @Override
                public ProgressListener progress() {
                    return (phase, done, total) -> {
                        long now = System.nanoTime();
                        if (phase.endsWith(" tiles") || done > 0) {
                            times.merge(phase.replace(" tiles", ""), (now - last[0]) / 1e9, Double::sum);
                        }
                        last[0] = now;
                    };
                }

                @Override
                public java.util.Optional<atelier.api.spi.TraceSink> trace() { return java.util.Optional.empty(); }
            };
            long t0 = System.nanoTime();
            FloatImage out;
            try (StrategyRun r = strategy.open(ctx, strategy.spec().validate(Map.of("autoencoder", autoencoder,
                    "method", method)))) {
                out = r.execute();
            } finally {
                ctx.manager.close();
                ctx.traceManager.close();
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            sampler.interrupt();
            StringBuilder p = new StringBuilder();
            times.forEach((k, v) -> p.append(k).append('=').append(String.format(Locale.ROOT, "%.1f", v)).append(' '));
            System.out.printf(Locale.ROOT, "LargeImageStatsBenchmark: %dx%d grey micrograph, latent-stats %s %s, "
                    + "whole image (autoencoder tiles %d px, overlap %d px): %.1f s wall (%s; %d cores, %s threads, "
                    + "load average %.1f); result %dx%dx%d; peak RSS %s (%s; RSS before the run %s); peak Java heap "
                    + "%d MB of max %d MB%n", n, n, autoencoder, method, CodecTiles.DEFAULT.tile(),
                    CodecTiles.DEFAULT.overlap(), seconds, p.toString().trim(), rt.availableProcessors(),
                    System.getenv().getOrDefault("OMP_NUM_THREADS", "?"),
                    java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
                    out.width(), out.height(), out.channels(), status("VmHWM"),
                    reset ? "of the run: peak reset before it" : "of the process: the kernel refused the reset",
                    before, peakHeap[0] >> 20, rt.maxMemory() >> 20);
        }
    }

    /** The Fiji benchmark's synthetic 16-bit micrograph, scaled to [0, 1] by its minimum and maximum. */
    static FloatImage micrograph(int n) {
        int[] px = new int[n * n];
        java.util.Random random = new java.util.Random(1);
        int min = Integer.MAX_VALUE;
        int max = Integer.MIN_VALUE;
        for (int y = 0; y < n; y++) {
            for (int x = 0; x < n; x++) {
                double cell = Math.sin(x / 37.0) * Math.cos(y / 53.0);
                int v = (short) (2000 + 1500 * Math.max(0, cell) + random.nextInt(200)) & 0xffff;
                px[y * n + x] = v;
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
        }
        float[] d = new float[n * n];
        float range = Math.max(1, max - min);
        for (int i = 0; i < d.length; i++) {
            d[i] = (px[i] - min) / range;
        }
        return new FloatImage(n, n, 1, d);
    }

    /** A line of /proc/self/status without its name, e.g. "1234 kB". */
    static String status(String field) throws IOException {
        return Files.readString(Path.of("/proc/self/status")).lines().filter(l -> l.startsWith(field + ":"))
                .map(l -> l.substring(field.length() + 1).trim()).findFirst().orElse("?");
    }

    /** Resets the kernel's peak RSS of this process to its current RSS (Linux: "5" to clear_refs). */
    static boolean resetPeak() {
        try {
            Files.writeString(Path.of("/proc/self/clear_refs"), "5");
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
