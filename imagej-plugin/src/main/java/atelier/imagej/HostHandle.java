package atelier.imagej;

import java.io.File;
import java.nio.file.Files;

import java.util.ArrayList;
import java.util.List;

import org.osgi.util.tracker.ServiceTracker;

import atelier.api.StyleTransferService;
import atelier.api.spi.Preset;
import atelier.api.spi.UiContribution;
import atelier.api.TransferException;
import atelier.host.AtelierHost;
import atelier.host.HostConfig;
import atelier.host.HostException;
import atelier.host.models.ModelStore;
import ij.IJ;

/**
 * Starts and stops the Atelier host ({@link AtelierHost}) that lives on ImageJ's class path
 * ({@code Fiji.app/jars/}), with the model store as model locator. Inside Fiji, when neither the system property
 * {@value #FEATURES_PROPERTY} nor the environment variable {@code ATELIER_FEATURES} says where the features are,
 * {@code Fiji.app/atelier/features} is used if it exists.
 */
final class HostHandle implements AutoCloseable {
    static final String FEATURES_PROPERTY = "atelier.features";

    /** The feature holding Atelier's own presets; installed with the defaults when the repository has it. */
    static final String PRESETS_FEATURE = "presets";

    private final AtelierHost host;
    private final StyleTransferService service;
    private final ServiceTracker<UiContribution, UiContribution> contributions;

    private HostHandle(AtelierHost host, StyleTransferService service) {
        this.host = host;
        this.service = service;
        this.contributions = new ServiceTracker<>(host.context(), UiContribution.class, null);
        this.contributions.open();
    }

    static HostHandle start() throws TransferException {
        try {
            return startHost();
        } catch (NoClassDefFoundError e) {
            throw new TransferException(TransferException.Kind.INTERNAL, "the Atelier host is not on ImageJ's "
                    + "class path (" + e.getMessage() + " is missing): copy the Atelier host, DJL and Felix jars "
                    + "into Fiji.app/jars (see the plugin's README)", e);
        }
    }

    private static HostHandle startHost() throws TransferException {
        defaultFeaturesFolder();
        HostConfig config = HostConfig.builder().modelLocator(new ModelStore()).build();
        if (Files.isDirectory(config.featureRepository().resolve(PRESETS_FEATURE))) {
            List<String> initial = new ArrayList<>(config.initialFeatures());
            initial.add(PRESETS_FEATURE);
            config = HostConfig.builder().modelLocator(config.modelLocator()).initialFeatures(initial).build();
        }
        if (!Files.isDirectory(config.featureRepository())) {
            throw new TransferException(TransferException.Kind.INTERNAL, "no Atelier features folder at "
                    + config.featureRepository() + ": copy the built features to Fiji.app/atelier/features, or set "
                    + "ATELIER_FEATURES or -D" + FEATURES_PROPERTY);
        }
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        // engine discovery and native extraction use the context class loader: let it see the host's class path
        thread.setContextClassLoader(AtelierHost.class.getClassLoader());
        AtelierHost host = null;
        try {
            host = AtelierHost.start(config);
            return new HostHandle(host, host.service());
        } catch (HostException e) {
            if (host != null) {
                host.close();
            }
            throw new TransferException(TransferException.Kind.INTERNAL, "the Atelier host did not start: "
                    + e.getMessage(), e);
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    StyleTransferService service() {
        return service;
    }

    /** The host, for the management commands. */
    AtelierHost host() {
        return host;
    }

    /**
     * The presets of every {@link UiContribution} service registered right now (bundles come and go while ImageJ
     * runs); a contribution that throws is skipped.
     */
    List<Preset> presets() {
        List<Preset> out = new ArrayList<>();
        Object[] services = contributions.getServices();
        if (services == null) {
            return out;
        }
        for (Object s : services) {
            try {
                out.addAll(((UiContribution) s).presets());
            } catch (RuntimeException | LinkageError e) {
                IJ.log("Atelier: a UI contribution failed to list its presets: " + e);
            }
        }
        return out;
    }

    @Override
    public void close() {
        contributions.close();
        host.close();
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
