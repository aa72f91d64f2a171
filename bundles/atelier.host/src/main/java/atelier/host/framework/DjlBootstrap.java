package atelier.host.framework;

import ai.djl.engine.Engine;

/**
 * Prepares DJL before any bundle runs: offline mode, no telemetry, and the PyTorch engine initialised with the
 * host's class loader as the thread context class loader. DJL finds its engine and native libraries through the
 * context class loader once per JVM; doing it here means a bundle thread with a foreign context loader can never
 * break engine discovery (PLATFORM.md B.3).
 */
public final class DjlBootstrap {

    private DjlBootstrap() {}

    /** Sets DJL's offline and no-tracking properties unless the user set them. */
    public static void configureOffline() {
        if (System.getProperty("ai.djl.offline") == null) System.setProperty("ai.djl.offline", "true");
        if (System.getProperty("OPT_OUT_TRACKING") == null) System.setProperty("OPT_OUT_TRACKING", "true");
    }

    /**
     * Loads the PyTorch engine with the TCCL set to the host's class loader.
     *
     * @return the engine's name and version, e.g. {@code PyTorch 2.7.1}
     */
    public static String preloadEngine() {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(DjlBootstrap.class.getClassLoader());
        try {
            Engine engine = Engine.getEngine("PyTorch");
            return engine.getEngineName() + " " + engine.getVersion();
        } finally {
            thread.setContextClassLoader(previous);
        }
    }
}
