package atelier.cli;

import java.nio.file.Files;

import atelier.api.StyleTransferService;
import atelier.host.AtelierHost;
import atelier.host.HostConfig;
import atelier.host.HostException;
import atelier.host.models.ModelStore;

/**
 * Starts the plugin host the way every command that needs strategies does: default home and feature
 * repository (see {@link HostConfig}), the model store as the model locator.
 */
final class HostLauncher {

    private HostLauncher() { }

    /** Starts the host; the caller closes it. */
    static AtelierHost start(ModelStore models) {
        HostConfig config = HostConfig.builder().modelLocator(models).build();
        if (!Files.isDirectory(config.featureRepository())) {
            throw new CliException(ExitCodes.FAILURE, "no features folder at " + config.featureRepository()
                    + " (build the distribution with `mvn -q package -DskipTests`, or set ATELIER_FEATURES)");
        }
        try {
            return AtelierHost.start(config);
        } catch (HostException e) {
            throw new CliException(ExitCodes.FAILURE, "the plugin host did not start: " + e.getMessage(), e);
        }
    }

    /** The style-transfer service of a started host. */
    static StyleTransferService service(AtelierHost host) {
        try {
            return host.service();
        } catch (HostException e) {
            throw new CliException(ExitCodes.FAILURE, "no style-transfer service: " + e.getMessage(), e);
        }
    }
}
