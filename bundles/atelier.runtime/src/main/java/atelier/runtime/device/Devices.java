package atelier.runtime.device;

import java.util.Locale;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;

/**
 * Chooses the device for runs. The setting comes from the system property {@value #PROPERTY} or the environment
 * variable {@value #ENV}: {@code auto} (default: the first GPU when the engine reports one, else the CPU),
 * {@code cpu}, {@code cuda} or {@code cuda:N} ({@code gpu}/{@code gpu:N} also accepted). Asking for a GPU the
 * engine does not have is an error that says so, never a silent fallback.
 *
 * <p>Everything a run creates lives in managers derived from {@link #newRunManager()}, so one choice here moves
 * the whole run; weights loaded into a model manager under it are copied to that device once.
 */
public final class Devices {
    /** System property naming the device. */
    public static final String PROPERTY = "atelier.device";
    /** Environment variable naming the device (the property wins). */
    public static final String ENV = "ATELIER_DEVICE";

    private Devices() { }

    /** The configured device, checked against what the default engine reports. */
    public static Device preferred() {
        String spec = System.getProperty(PROPERTY);
        if (spec == null || spec.isBlank()) {
            spec = System.getenv(ENV);
        }
        return resolve(spec, Engine.getInstance().getGpuCount());
    }

    /** A new base manager on {@link #preferred()}: the root of one run. */
    public static NDManager newRunManager() {
        return NDManager.newBaseManager(preferred());
    }

    /**
     * @param spec     the setting ({@code null} or blank = auto)
     * @param gpuCount GPUs the engine reports
     */
    public static Device resolve(String spec, int gpuCount) {
        String s = spec == null ? "auto" : spec.trim().toLowerCase(Locale.ROOT);
        if (s.isEmpty() || s.equals("auto")) {
            return gpuCount > 0 ? Device.gpu(0) : Device.cpu();
        }
        if (s.equals("cpu")) {
            return Device.cpu();
        }
        String[] parts = s.split(":", 2);
        if (!parts[0].equals("cuda") && !parts[0].equals("gpu")) {
            throw new IllegalArgumentException(PROPERTY + "=" + spec + " is not a device; use auto, cpu, cuda or cuda:N");
        }
        int index;
        try {
            index = parts.length == 1 ? 0 : Integer.parseInt(parts[1]);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(PROPERTY + "=" + spec + ": '" + parts[1] + "' is not a GPU index");
        }
        if (index < 0 || index >= gpuCount) {
            throw new IllegalArgumentException(PROPERTY + "=" + spec + " asks for GPU " + index + " but the engine "
                    + "reports " + gpuCount + " GPU(s)" + (gpuCount == 0
                    ? " (the PyTorch native library on the class path is a CPU build, or no CUDA driver was found)"
                    : ""));
        }
        return Device.gpu(index);
    }
}
