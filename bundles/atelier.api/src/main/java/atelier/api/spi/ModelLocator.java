package atelier.api.spi;

import java.io.IOException;
import java.nio.file.Path;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Finds models on disk: a name from the model store (e.g. {@code taesd}, {@code sd15}) or a path. The host
 * registers one as an OSGi service; the pipeline uses it to implement {@link RunContext#model(String)}.
 */
@ProviderType
public interface ModelLocator {
    /**
     * @return the model's file or folder
     * @throws IOException when it is not there; the message says which file to fetch and where to put it
     */
    Path locate(String nameOrPath) throws IOException;

    /** SHA-256 of the model's main weights file, for records ("" if unknown). */
    default String sha256(Path model) { return ""; }
}
