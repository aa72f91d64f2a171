package atelier.pipeline.diffusion;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import ai.djl.ndarray.NDManager;
import atelier.runtime.unet.UNet2DConditionModel;
import atelier.runtime.unet.UNetConfig;
import atelier.runtime.vae.AutoencoderKL;
import atelier.runtime.vae.VaeConfig;

/** Shared pieces of the {@code bench} commands: {@code --key value} arguments, random-weight models, JSON. */
public final class BenchSupport {
    private BenchSupport() { }

    /**
     * Parses {@code --key value} pairs over defaults.
     *
     * @throws IllegalArgumentException for an unknown key or a missing value, listing the known keys
     */
    public static Map<String, String> args(String[] args, Map<String, String> defaults) {
        Map<String, String> out = new LinkedHashMap<>(defaults);
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--threads") && i + 1 < args.length) {
                // read by the engine when it starts; the CLI sets it earlier, a standalone main sets it here
                System.setProperty("ai.djl.pytorch.num_threads", args[++i]);
                continue;
            }
            if (!a.startsWith("--") || !defaults.containsKey(a.substring(2))) {
                throw new IllegalArgumentException("unknown option '" + a + "'; known: --"
                        + String.join(", --", defaults.keySet()) + ", --threads");
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("option " + a + " needs a value");
            }
            out.put(a.substring(2), args[++i]);
        }
        return out;
    }

    /** SD parts with random weights for a preset ({@code sd15} or {@code sd21base}); no text encoder. */
    public static SdParts randomModel(String preset, NDManager parent, long seed) {
        UNetConfig unet;
        switch (preset) {
            case "sd15": unet = UNetConfig.sd15(); break;
            case "sd21base": unet = UNetConfig.sd21base(); break;
            default: throw new IllegalArgumentException("preset: '" + preset + "' is not one of [sd15, sd21base]");
        }
        return new SdParts(null, null, UNet2DConditionModel.random(unet, parent, seed),
                AutoencoderKL.random(VaeConfig.sd15(), parent, seed + 1), DdimSchedule.sd());
    }

    /** Peak resident set size of this process in bytes (Linux {@code VmHWM}), or -1 where unknown. */
    public static long peakResidentBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    String[] p = line.trim().split("\\s+");
                    return Long.parseLong(p[1]) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    /**
     * CPU time of this process (all threads, user + system) in seconds from Linux {@code /proc/self/stat},
     * assuming 100 clock ticks per second; −1 where unknown. Less sensitive than wall time to other load.
     */
    public static double processCpuSeconds() {
        try {
            String stat = Files.readString(Path.of("/proc/self/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** A flat JSON object of numbers and strings. */
    public static String json(Map<String, Object> values) {
        StringBuilder b = new StringBuilder("{");
        for (Map.Entry<String, Object> e : values.entrySet()) {
            if (b.length() > 1) {
                b.append(", ");
            }
            b.append('"').append(e.getKey()).append("\": ");
            Object v = e.getValue();
            if (v instanceof Number || v instanceof Boolean) {
                b.append(v instanceof Double d ? String.format(Locale.ROOT, "%.3f", d) : v.toString());
            } else {
                b.append('"').append(String.valueOf(v).replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
            }
        }
        return b.append('}').toString();
    }
}
