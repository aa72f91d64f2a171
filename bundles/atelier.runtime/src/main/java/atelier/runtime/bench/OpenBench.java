package atelier.runtime.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

import ai.djl.ndarray.NDManager;
import atelier.runtime.io.SafetensorsFile;
import atelier.runtime.nn.Weights;
import atelier.runtime.unet.UNet2DConditionModel;
import atelier.runtime.unet.UNetConfig;

/**
 * {@code bench open --preset sd15 [--dtype fp16|bf16|fp32] [--dir D]}: writes a synthetic checkpoint with the
 * tensor names and shapes of the SD-1.5 UNet (as the Java UNet asks for them) into a temporary folder, then
 * measures resident memory (VmRSS) and time for {@link SafetensorsFile#open} and for building the UNet from it
 * (every tensor loaded, fp16/bf16 widened to fp32), deletes the file and prints one JSON line
 * {@code {"case":"open-sd15-fp16","file_mb":…,"rss_delta_open_mb":…,"rss_delta_load_mb":…,…}}.
 * The UNet loads its weights when it is built, so "before the weights are first used" is the state after open.
 * {@code seconds_read_all} times the reader alone: every tensor loaded and released in turn (widening included).
 */
final class OpenBench {
    private OpenBench() { }

    static int run(List<String> args, PrintStream out) {
        String preset = "sd15";
        String dtype = "fp16";
        Path dirArg = null;
        for (int i = 0; i < args.size(); i++) {
            String k = args.get(i);
            if (i + 1 >= args.size()) {
                out.println("error: " + k + " needs a value");
                return usage(out);
            }
            String v = args.get(++i);
            switch (k) {
                case "--preset" -> preset = v;
                case "--dtype" -> dtype = v.toLowerCase(Locale.ROOT);
                case "--dir" -> dirArg = Path.of(v);
                case "--threads" -> { } // accepted for symmetry with the other cases
                default -> {
                    out.println("error: unknown option " + k);
                    return usage(out);
                }
            }
        }
        if (!preset.equals("sd15")) {
            out.println("error: --preset " + preset + " is not known (known: sd15)");
            return usage(out);
        }
        String st = switch (dtype) {
            case "fp16" -> "F16";
            case "bf16" -> "BF16";
            case "fp32" -> "F32";
            default -> null;
        };
        if (st == null) {
            out.println("error: --dtype " + dtype + " is not one of fp16, bf16, fp32");
            return usage(out);
        }
        Path dir = null;
        try (NDManager base = NDManager.newBaseManager()) {
            UNetConfig cfg = UNetConfig.sd15();
            Map<String, long[]> shapes = listTensors(cfg, base);
            dir = dirArg == null ? Files.createTempDirectory("atelier-open-bench")
                    : Files.createTempDirectory(dirArg, "atelier-open-bench");
            Path file = dir.resolve("unet.safetensors");
            long params = write(file, shapes, st);

            settle();
            long rss0 = Bench.procStatusKb("VmRSS");
            long t0 = System.nanoTime();
            try (SafetensorsFile sf = SafetensorsFile.open(file)) {
                long t1 = System.nanoTime();
                settle();
                long rss1 = Bench.procStatusKb("VmRSS");
                long t2 = System.nanoTime();
                long t3;
                long rss2;
                try (UNet2DConditionModel unet = UNet2DConditionModel.load(cfg, sf, base)) {
                    t3 = System.nanoTime();
                    rss2 = Bench.procStatusKb("VmRSS");
                }
                settle();
                // the reader alone: every tensor loaded (widened) and released, no module construction
                long t4 = System.nanoTime();
                for (String k : sf.keys()) {
                    try (NDManager one = base.newSubManager()) {
                        sf.load(k, one);
                    }
                }
                double readS = (System.nanoTime() - t4) / 1e9;
                double loadS = (t3 - t2) / 1e9;
                out.println(String.format(Locale.ROOT, "{\"case\":\"open-%s-%s\",\"file_mb\":%.1f,\"tensors\":%d,"
                        + "\"params_m\":%.1f,\"rss_before_mb\":%d,\"rss_delta_open_mb\":%.1f,"
                        + "\"rss_delta_load_mb\":%.1f,\"fp32_mb\":%.1f,\"seconds_open\":%.4f,"
                        + "\"seconds_load\":%.3f,\"seconds_read_all\":%.3f,\"read_gb_per_s\":%.2f,"
                        + "\"copy_on_write\":%b}",
                        preset, dtype, Files.size(file) / 1e6, shapes.size(), params / 1e6, rss0 / 1024,
                        (rss1 - rss0) / 1024.0, (rss2 - rss0) / 1024.0, params * 4 / 1e6, (t1 - t0) / 1e9,
                        loadS, readS, Files.size(file) / 1e9 / readS, sf.copyOnWrite()));
            }
            return 0;
        } catch (IOException | RuntimeException e) {
            out.println("error: " + e.getMessage());
            return 1;
        } finally {
            deleteQuietly(dir);
        }
    }

    private static int usage(PrintStream out) {
        out.println("usage: bench open --preset sd15 [--dtype fp16|bf16|fp32] [--dir D]");
        return 2;
    }

    /** Names and shapes in the order the UNet asks for them (built once with random weights, then freed). */
    static Map<String, long[]> listTensors(UNetConfig cfg, NDManager base) {
        Map<String, long[]> shapes = new LinkedHashMap<>();
        try (NDManager m = base.newSubManager();
                UNet2DConditionModel u = UNet2DConditionModel.create(cfg,
                        Weights.random(m, 1, (k, s) -> shapes.put(k, s)))) {
            return shapes;
        }
    }

    /** Writes the checkpoint (header padded to 8 bytes, contiguous tensors of random finite values); returns params. */
    static long write(Path file, Map<String, long[]> shapes, String dtype) throws IOException {
        int width = dtype.equals("F32") ? 4 : 2;
        StringBuilder h = new StringBuilder("{\"__metadata__\":{\"format\":\"pt\"}");
        long offset = 0;
        long params = 0;
        List<Long> counts = new ArrayList<>();
        for (Map.Entry<String, long[]> e : shapes.entrySet()) {
            long n = Arrays.stream(e.getValue()).reduce(1, Math::multiplyExact);
            counts.add(n);
            params += n;
            h.append(",\"").append(e.getKey()).append("\":{\"dtype\":\"").append(dtype).append("\",\"shape\":")
                    .append(Arrays.toString(e.getValue()).replace(" ", "")).append(",\"data_offsets\":[")
                    .append(offset).append(',').append(offset + n * width).append("]}");
            offset += n * width;
        }
        h.append('}');
        while ((h.length() + 8) % 8 != 0) {
            h.append(' ');
        }
        byte[] header = h.toString().getBytes(StandardCharsets.UTF_8);
        SplittableRandom rnd = new SplittableRandom(42);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.allocateDirect(1 << 22).order(ByteOrder.LITTLE_ENDIAN);
            b.putLong(header.length).put(header);
            long total = params;
            for (long i = 0; i < total; i++) {
                if (b.remaining() < 4) {
                    b.flip();
                    while (b.hasRemaining()) {
                        ch.write(b);
                    }
                    b.clear();
                }
                int r = rnd.nextInt();
                if (width == 4) {
                    b.putFloat((float) ((r >> 8) * 0x1p-24)); // in [-0.5, 0.5)
                } else {
                    b.putShort((short) (r & 0xbfff)); // top exponent bit clear: finite, |v| < 2
                }
            }
            b.flip();
            while (b.hasRemaining()) {
                ch.write(b);
            }
        }
        return params;
    }

    private static void settle() {
        System.gc();
        try {
            Thread.sleep(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void deleteQuietly(Path dir) {
        if (dir == null) {
            return;
        }
        try (var s = Files.list(dir)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                Files.deleteIfExists(p);
            }
            Files.deleteIfExists(dir);
        } catch (IOException ignored) {
            // a leftover temp folder is reported by nobody; nothing else to do
        }
    }
}
