package atelier.runtime.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import atelier.runtime.unet.UNet2DConditionModel;
import atelier.runtime.unet.UNetConfig;
import atelier.runtime.vae.AutoencoderKL;
import atelier.runtime.vae.VaeConfig;

/**
 * {@code bench unet|vae --preset sd15 --batch B --latent H[xW] [--dtype fp32] --threads N [--runs R]
 * [--warmup W]}: builds the full-size network with random weights in memory, times R forwards after W
 * warm-ups (UNet: one noise prediction; VAE: one decode) and prints one JSON line
 * {@code {"case":"unet-sd15-b2-64x64-fp32","median_s":…,"gflops_per_s":…,"peak_rss_mb":…,"threads":N}}.
 * {@code bench open --preset sd15 [--dtype fp16]} measures opening and loading a checkpoint instead
 * ({@link OpenBench}).
 *
 * <p>Threads: the engine reads {@code ai.djl.pytorch.num_threads} once, when it starts; this command sets that
 * property before touching the engine and, if the engine was already running, also calls
 * {@code torch::set_num_threads} through DJL's JNI class. Run it in a fresh JVM for clean figures.
 * Only fp32 is measured here; reduced precision was decided against in docs/adr/0012.
 */
public final class Bench {
    private Bench() { }

    /** Parsed command line. */
    record Args(String network, String preset, int batch, int h, int w, String dtype, int threads, int runs,
            int warmup) {
        String caseName() {
            return network + "-" + preset + "-b" + batch + "-" + h + "x" + w + "-" + dtype;
        }
    }

    /** @return 0 on success, 2 for a usage error, 1 when the run failed */
    public static int run(String[] argv, PrintStream out) {
        List<String> rest = new ArrayList<>(Arrays.asList(argv));
        if (!rest.isEmpty() && rest.get(0).equals("bench")) {
            rest.remove(0);
        }
        if (!rest.isEmpty() && rest.get(0).equals("open")) {
            return OpenBench.run(rest.subList(1, rest.size()), out); // bench open: see OpenBench
        }
        Args a;
        try {
            a = parse(argv);
        } catch (IllegalArgumentException e) {
            out.println("error: " + e.getMessage());
            out.println("usage: bench unet|vae --preset sd15 --batch B --latent H[xW] [--dtype fp32] --threads N"
                    + " [--runs R] [--warmup W]");
            return 2;
        }
        if (!a.dtype().equals("fp32")) {
            out.println("error: --dtype " + a.dtype() + " is not supported: the networks compute in fp32 only,"
                    + " see docs/adr/0012-reduced-precision.md (and docs/adr/0004-memory-mapped-weights-fp32.md)");
            return 2;
        }
        setThreads(a.threads());
        try (NDManager base = NDManager.newBaseManager()) {
            double[] times;
            double flops;
            if (a.network().equals("unet")) {
                UNetConfig cfg = UNetConfig.sd15();
                try (UNet2DConditionModel unet = UNet2DConditionModel.random(cfg, base, 1234)) {
                    NDArray sample = base.randomNormal(new Shape(a.batch(), cfg.inChannels(), a.h(), a.w()));
                    NDArray t = base.create(500L);
                    NDArray ctx = base.randomNormal(new Shape(a.batch(), 77, cfg.crossAttentionDim()));
                    times = time(a, base, m -> {
                        sample.tempAttach(m);
                        t.tempAttach(m);
                        ctx.tempAttach(m);
                        unet.forward(sample, t, ctx);
                    });
                }
                flops = Flops.unetSd15(a.batch(), a.h(), a.w());
            } else {
                try (AutoencoderKL vae = AutoencoderKL.random(VaeConfig.sd15(), base, 1234)) {
                    NDArray z = base.randomNormal(new Shape(a.batch(), 4, a.h(), a.w()));
                    times = time(a, base, m -> {
                        z.tempAttach(m);
                        vae.decode(z);
                    });
                }
                flops = a.batch() * Flops.vaeDecode(a.h(), a.w(), new int[] {128, 256, 512, 512}, 2, 4, 3);
            }
            double median = median(times);
            out.println(String.format(Locale.ROOT,
                    "{\"case\":\"%s\",\"median_s\":%.4f,\"gflops_per_s\":%.1f,\"peak_rss_mb\":%d,\"threads\":%d}",
                    a.caseName(), median, flops / median / 1e9, peakRssMb(), a.threads()));
            return 0;
        } catch (RuntimeException | IOException e) {
            out.println("error: " + e.getMessage());
            return 1;
        }
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out));
    }

    /** One forward in a step manager that is closed afterwards. */
    @FunctionalInterface
    interface Body {
        void run(NDManager step) throws IOException;
    }

    private static double[] time(Args a, NDManager base, Body body) throws IOException {
        List<Double> ts = new ArrayList<>();
        for (int i = 0; i < a.warmup() + a.runs(); i++) {
            long t0;
            long t1;
            try (NDManager step = base.newSubManager()) {
                t0 = System.nanoTime();
                body.run(step);
                t1 = System.nanoTime();
            }
            if (i >= a.warmup()) {
                ts.add((t1 - t0) / 1e9);
            }
        }
        return ts.stream().mapToDouble(Double::doubleValue).toArray();
    }

    static double median(double[] xs) {
        double[] s = xs.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }

    /** Sets the intra-op threads: the property for an engine not started yet, the JNI call for a running one. */
    static void setThreads(int n) {
        System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(n));
        Engine.getInstance();
        try {
            Class<?> jni = Class.forName("ai.djl.pytorch.jni.JniUtils");
            jni.getMethod("setNumThreads", int.class).invoke(null, n);
        } catch (ReflectiveOperationException | LinkageError ignored) {
            // not the PyTorch engine: the property is all we can do
        }
    }

    /** Peak resident set size (VmHWM) in MiB, or -1 where /proc is not available. */
    static long peakRssMb() {
        return procStatusKb("VmHWM") / 1024;
    }

    /** A field of /proc/self/status in kB (VmRSS, VmHWM), or -1024. */
    public static long procStatusKb(String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"), StandardCharsets.UTF_8)) {
                if (line.startsWith(field + ":")) {
                    return Long.parseLong(line.substring(field.length() + 1).trim().split("\\s+")[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1024;
        }
        return -1024;
    }

    static Args parse(String[] argv) {
        List<String> args = new ArrayList<>(Arrays.asList(argv));
        if (!args.isEmpty() && args.get(0).equals("bench")) {
            args.remove(0);
        }
        if (args.isEmpty() || !(args.get(0).equals("unet") || args.get(0).equals("vae"))) {
            throw new IllegalArgumentException("first argument must be unet or vae");
        }
        String network = args.remove(0);
        String preset = "sd15";
        int batch = 1;
        int h = 64;
        int w = 64;
        String dtype = "fp32";
        int threads = -1;
        int runs = 5;
        int warmup = 1;
        for (int i = 0; i < args.size(); i++) {
            String k = args.get(i);
            if (i + 1 >= args.size()) {
                throw new IllegalArgumentException(k + " needs a value");
            }
            String v = args.get(++i);
            switch (k) {
                case "--preset" -> preset = v;
                case "--batch" -> batch = positive(k, v);
                case "--latent" -> {
                    String[] p = v.toLowerCase(Locale.ROOT).split("x");
                    if (p.length > 2) {
                        throw new IllegalArgumentException("--latent must be H or HxW, was " + v);
                    }
                    h = positive(k, p[0]);
                    w = p.length == 2 ? positive(k, p[1]) : h;
                }
                case "--dtype" -> dtype = v.toLowerCase(Locale.ROOT);
                case "--threads" -> threads = positive(k, v);
                case "--runs" -> runs = positive(k, v);
                case "--warmup" -> {
                    try {
                        warmup = Integer.parseInt(v);
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("--warmup must be a number >= 0, was " + v);
                    }
                    if (warmup < 0) {
                        throw new IllegalArgumentException("--warmup must be >= 0, was " + v);
                    }
                }
                default -> throw new IllegalArgumentException("unknown option " + k);
            }
        }
        if (!preset.equals("sd15")) {
            throw new IllegalArgumentException("--preset " + preset + " is not known (known: sd15)");
        }
        if (threads < 0) {
            throw new IllegalArgumentException("--threads is required");
        }
        if (h % 8 != 0 || w % 8 != 0) {
            throw new IllegalArgumentException("--latent " + h + "x" + w + ": both sides must be multiples of 8");
        }
        return new Args(network, preset, batch, h, w, dtype, threads, runs, warmup);
    }

    private static int positive(String key, String v) {
        try {
            int n = Integer.parseInt(v);
            if (n < 1) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a number >= 1, was " + v);
        }
    }
}
