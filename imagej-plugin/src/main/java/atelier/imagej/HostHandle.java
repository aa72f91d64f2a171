package atelier.imagej;

import java.io.File;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;

import atelier.api.StyleTransferService;
import atelier.api.TransferException;
import ij.IJ;

/**
 * Starts and stops the Atelier host ({@code atelier.host.AtelierHost}) found on ImageJ's class path
 * ({@code Fiji.app/jars/}). Inside Fiji, when neither the system property {@value #FEATURES_PROPERTY} nor the
 * environment variable {@code ATELIER_FEATURES} says where the features are, {@code Fiji.app/atelier/features}
 * is used if it exists.
 * <p>
 * The host is reached reflectively so that this plugin jar carries no compile-time tie to the host's
 * implementation classes; only {@code atelier.api} types cross.
 */
final class HostHandle implements AutoCloseable {
    static final String FEATURES_PROPERTY = "atelier.features";
    private static final String HOST_CLASS = "atelier.host.AtelierHost";
    private static final String CONFIG_CLASS = "atelier.host.HostConfig";

    private final Object host;
    private final StyleTransferService service;

    private HostHandle(Object host, StyleTransferService service) {
        this.host = host;
        this.service = service;
    }

    static HostHandle start() throws TransferException {
        defaultFeaturesFolder();
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        try {
            Class<?> hostClass = Class.forName(HOST_CLASS, true, HostHandle.class.getClassLoader());
            Class<?> configClass = Class.forName(CONFIG_CLASS, true, hostClass.getClassLoader());
            // engine discovery uses the context class loader: let it see the host's class path
            thread.setContextClassLoader(hostClass.getClassLoader());
            Object builder = configClass.getMethod("builder").invoke(null);
            Object config = builder.getClass().getMethod("build").invoke(builder);
            Object host = hostClass.getMethod("start", configClass).invoke(null, config);
            Method serviceMethod = host.getClass().getMethod("service");
            StyleTransferService service = (StyleTransferService) serviceMethod.invoke(host);
            return new HostHandle(host, service);
        } catch (ClassNotFoundException e) {
            throw new TransferException(TransferException.Kind.INTERNAL, "the Atelier host (" + HOST_CLASS
                    + ") is not on ImageJ's class path: copy the Atelier host, DJL and Felix jars into "
                    + "Fiji.app/jars (see the plugin's README)", e);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof TransferException) {
                throw (TransferException) cause;
            }
            throw new TransferException(TransferException.Kind.INTERNAL, "the Atelier host did not start: " + cause,
                    cause);
        } catch (ReflectiveOperationException | ClassCastException | LinkageError e) {
            throw new TransferException(TransferException.Kind.INTERNAL, "the Atelier host on the class path does "
                    + "not match this plugin: " + e, e);
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    StyleTransferService service() {
        return service;
    }

    @Override
    public void close() {
        try {
            host.getClass().getMethod("close").invoke(host);
        } catch (ReflectiveOperationException e) {
            System.err.println("Atelier: stopping the host failed: " + e);
        }
    }

    private static void defaultFeaturesFolder() {
        if (System.getProperty(FEATURES_PROPERTY) != null || System.getenv("ATELIER_FEATURES") != null) {
            return;
        }
        String ijDir = IJ.getDirectory("imagej");
        if (ijDir == null) {
            return;
        }
        File features = new File(new File(ijDir, "atelier"), "features");
        if (features.isDirectory()) {
            System.setProperty(FEATURES_PROPERTY, features.getAbsolutePath());
        }
    }
}
