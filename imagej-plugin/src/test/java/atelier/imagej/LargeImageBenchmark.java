package atelier.imagej;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

import org.junit.jupiter.api.Test;

import atelier.api.StyleTransferService;
import ij.ImagePlus;
import ij.macro.Interpreter;
import ij.process.ShortProcessor;

/**
 * Benchmark (prints figures, asserts nothing about time): a 4096 × 4096 16-bit synthetic micrograph through the
 * real host with latent-stats, in 1024 px tiles, inside the heap the JVM was given. Run in the integration-test
 * phase, where the features are built:
 * <pre>
 * mvn -B -o -pl imagej-plugin -am verify -Dtest=LargeImageBenchmark -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Datelier.bench.autoencoder=taesd
 * </pre>
 */
class LargeImageBenchmark {

    @Test
    void micrograph4096() throws Exception {
        String features = System.getProperty("atelier.features");
        assumeTrue(features != null && Files.isDirectory(Path.of(features)), "needs the built features "
                + "(integration-test phase)");
        if (System.getenv("ATELIER_MODELS") == null && System.getProperty("atelier.models") == null) {
            System.setProperty("atelier.models", HeadlessMacroTest.shared("models/README.md").getParent().toString());
        }
        Interpreter.batchMode = true;
        int n = 4096;
        short[] px = new short[n * n];
        java.util.Random random = new java.util.Random(1);
        for (int y = 0; y < n; y++) {
            for (int x = 0; x < n; x++) {
                double cell = Math.sin(x / 37.0) * Math.cos(y / 53.0);
                px[y * n + x] = (short) (2000 + 1500 * Math.max(0, cell) + random.nextInt(200));
            }
        }
        ShortProcessor sp = new ShortProcessor(n, n, px, null);
        sp.resetMinAndMax();
        ImagePlus content = new ImagePlus("micrograph", sp);
        long t0 = System.nanoTime();
        StyleTransferService service = AtelierSession.service();
        double start = (System.nanoTime() - t0) / 1e9;
        String autoencoder = System.getProperty("atelier.bench.autoencoder", "taesd");
        TransferSettings settings = SettingsParser.parse("style=[" + HeadlessMacroTest.shared("images/ihc.png")
                + "] autoencoder=" + autoencoder + " method=adain tile=1024", service.strategies());
        Runtime rt = Runtime.getRuntime();
        long[] peakHeap = {0};
        Thread sampler = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                peakHeap[0] = Math.max(peakHeap[0], rt.totalMemory() - rt.freeMemory());
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        sampler.setDaemon(true);
        sampler.start();
        ImageJProgress progress = new ImageJProgress("latent-stats");
        long t1 = System.nanoTime();
        UnitProgress printing = new UnitProgress() {
            @Override
            public void unit(int index, int count, String label) {
                progress.unit(index, count, label);
            }

            @Override
            public void progress(String phase, int done, int total) {
                String line = progress.statusLine(phase, done, total);
                if (done == total && phase.equals("decode")) {
                    System.out.println(line);
                }
            }
        };
        ImagePlus out = new StyleTransferCommand(service, () -> false, printing).run(content, settings);
        double seconds = (System.nanoTime() - t1) / 1e9;
        sampler.interrupt();
        String status = Files.readString(Path.of("/proc/self/status"));
        String rss = status.lines().filter(l -> l.startsWith("VmHWM")).findFirst().orElse("VmHWM ?");
        String tiling = ((String) out.getProperty("Info")).lines()
                .filter(l -> l.startsWith("image.tiles:") || l.startsWith("image.tiling:")).findFirst()
                .orElse("one tile");
        System.out.printf(Locale.ROOT, "LargeImageBenchmark: %dx%d 16-bit, latent-stats %s, tile=1024 (%s): %.1f s "
                + "(host start %.1f s), result %dx%d %d-bit, peak Java heap %d MB of max %d MB, peak RSS %s%n",
                n, n, autoencoder, tiling, seconds, start, out.getWidth(), out.getHeight(), out.getBitDepth(),
                peakHeap[0] >> 20, rt.maxMemory() >> 20, rss.replaceAll("\\s+", " "));
    }
}
