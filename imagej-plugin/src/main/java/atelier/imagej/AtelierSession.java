package atelier.imagej;

import java.util.List;
import java.util.Optional;

import atelier.api.StyleTransferService;
import atelier.api.spi.Preset;
import atelier.api.spi.UiContribution;
import atelier.host.AtelierHost;
import atelier.api.TransferException;

/**
 * The one Atelier host of this JVM, started lazily on first use and stopped by a JVM shutdown hook. Everything
 * else in the plugin only sees {@link StyleTransferService}, so it can be tested with a fake.
 * <p>
 * Two ways to replace the host (tests, embedding): {@link #useService} from code, or the system property
 * {@value #SERVICE_PROPERTY} naming a {@link StyleTransferService} class with a public no-argument constructor
 * (read when the service is first needed, usable from a headless macro run).
 */
public final class AtelierSession {
    /** System property: class name of a {@link StyleTransferService} to use instead of starting the host. */
    public static final String SERVICE_PROPERTY = "atelier.imagej.service";

    private static StyleTransferService override;
    private static HostHandle host;

    private AtelierSession() { }

    /** The service, starting the host if it is not running yet. */
    public static synchronized StyleTransferService service() throws TransferException {
        if (override != null) {
            return override;
        }
        String cls = System.getProperty(SERVICE_PROPERTY);
        if (cls != null && !cls.isBlank()) {
            override = instantiate(cls.trim());
            return override;
        }
        if (host == null) {
            try {
                host = HostHandle.start();
            } catch (LinkageError e) {
                throw new TransferException(TransferException.Kind.INTERNAL, "the Atelier host is not on ImageJ's "
                        + "class path (" + e.getMessage() + "): copy the Atelier host, DJL and Felix jars into "
                        + "Fiji.app/jars (see the plugin's README)", e);
            }
            HostHandle started = host;
            Runtime.getRuntime().addShutdownHook(new Thread(started::close, "Atelier host shutdown"));
        }
        return host.service();
    }

    /**
     * The presets UI contribution bundles offer right now: from the host's {@code UiContribution} services, or,
     * when a replacement service is in use, from that service if it is itself a {@code UiContribution}. Never
     * starts the host.
     */
    public static synchronized List<Preset> presets() {
        if (override != null || host == null) {
            return override instanceof UiContribution ui ? ui.presets() : List.of();
        }
        return host.presets();
    }

    /** The running host, starting it if needed; empty when a replacement service is in use. */
    static synchronized Optional<AtelierHost> host() throws TransferException {
        StyleTransferService s = service();
        if (override != null || s == null || host == null) {
            return Optional.empty();
        }
        return Optional.of(host.host());
    }

    /** Uses {@code service} instead of the host from now on; {@code null} goes back to the host. */
    public static synchronized void useService(StyleTransferService service) {
        override = service;
    }

    private static StyleTransferService instantiate(String cls) throws TransferException {
        try {
            Class<?> c = Class.forName(cls, true, AtelierSession.class.getClassLoader());
            return (StyleTransferService) c.getConstructor().newInstance();
        } catch (ReflectiveOperationException | ClassCastException e) {
            throw new TransferException(TransferException.Kind.INTERNAL, "system property " + SERVICE_PROPERTY
                    + " names '" + cls + "', which is not a StyleTransferService with a public no-argument "
                    + "constructor: " + e, e);
        }
    }
}
