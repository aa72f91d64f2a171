package atelier.strategy.latentstats.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import ai.djl.ndarray.NDManager;
import atelier.api.FloatImage;
import atelier.api.ProgressListener;
import atelier.api.spi.StrategyRun;

import org.junit.jupiter.api.Test;

/**
 * Prints the time of a 512×512 latent-stats transfer (astronaut + ihc, TAEF2) for AdaIN and WCT, with the time
 * per phase. Not part of the normal test run (the class name does not end in Test); run it with
 * {@code mvn -q -B -o -pl bundles/atelier.strategy.latentstats -am test -Dtest=LatentStatsBenchmark
 * -Dsurefire.failIfNoSpecifiedTests=false}. Prints figures, asserts nothing about time.
 */
class LatentStatsBenchmark {
    private static final int REPEATS = Integer.getInteger("bench.repeats", 3);

    @Test
    void adainAndWctAt512() throws Exception {
        FloatImage content = TestRunContext.image("astronaut.png");
        FloatImage style = TestRunContext.image("ihc.png");
        LatentStatsStrategy strategy = new LatentStatsStrategy();
        try (NDManager root = NDManager.newBaseManager()) {
            for (String method : List.of("adain", "wct")) {
                run(strategy, root, content, style, method); // warm-up
                List<Double> totals = new ArrayList<>();
                double cpu0 = cpuSeconds();
                Map<String, Double> phases = new LinkedHashMap<>();
                for (int i = 0; i < REPEATS; i++) {
                    Map<String, Double> p = run(strategy, root, content, style, method);
                    totals.add(p.get("total"));
                    p.forEach((k, v) -> phases.merge(k, v / REPEATS, Double::sum));
                }
                double cpu = (cpuSeconds() - cpu0) / REPEATS;
                double[] sorted = totals.stream().mapToDouble(Double::doubleValue).sorted().toArray();
                System.out.printf("latent-stats taef2 %s 512x512: median %.2f s wall (runs %s); %.2f s CPU per "
                        + "run (all threads; %d cores, load average %.1f); mean per phase %s%n", method,
                        sorted[sorted.length / 2], Arrays.toString(sorted), cpu,
                        Runtime.getRuntime().availableProcessors(),
                        java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
                        format(phases));
            }
        }
    }

    private static Map<String, Double> run(LatentStatsStrategy strategy, NDManager root, FloatImage content,
            FloatImage style, String method) throws Exception {
        Map<String, Double> times = new LinkedHashMap<>();
        long[] last = {System.nanoTime()};
        long t0 = last[0];
        TestRunContext ctx = new TestRunContext(content, style, root) {
            @Override
            public ProgressListener progress() {
                return (phase, done, total) -> {
                    long now = System.nanoTime();
                    if (done > 0) {
                        times.merge(phase, (now - last[0]) / 1e9, Double::sum);
                    } else {
                        times.merge("open/between", (now - last[0]) / 1e9, Double::sum);
                    }
                    last[0] = now;
                };
            }

            @Override
            public java.util.Optional<atelier.api.spi.TraceSink> trace() { return java.util.Optional.empty(); }
        };
        try (StrategyRun r = strategy.open(ctx, strategy.spec().validate(Map.of("method", method)))) {
            r.execute();
        } finally {
            ctx.manager.close();
            ctx.traceManager.close();
        }
        times.put("total", (System.nanoTime() - t0) / 1e9);
        return times;
    }

    /** CPU time of this process, all threads (the engine's native threads included). */
    private static double cpuSeconds() {
        return ProcessHandle.current().info().totalCpuDuration().map(d -> d.toNanos() / 1e9).orElse(Double.NaN);
    }

    private static String format(Map<String, Double> m) {
        StringBuilder sb = new StringBuilder();
        m.forEach((k, v) -> sb.append(k).append('=').append(String.format("%.2f", v)).append(' '));
        return sb.toString().trim();
    }
}
