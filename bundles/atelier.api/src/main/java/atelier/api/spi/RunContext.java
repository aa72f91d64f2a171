package atelier.api.spi;

import java.nio.file.Path;
import java.util.Optional;

import ai.djl.ndarray.NDManager;
import atelier.api.CancellationToken;
import atelier.api.FloatImage;
import atelier.api.ProgressListener;

import org.osgi.annotation.versioning.ProviderType;

/** What the service hands a strategy for one run. */
@ProviderType
public interface RunContext {
    FloatImage content();

    FloatImage style();

    long seed();

    /** The run's manager: closed when the run ends. Open a sub-manager per step. */
    NDManager manager();

    ProgressListener progress();

    CancellationToken cancellation();

    /**
     * Resolves a model name (from the model store) or a path to a local file or folder.
     *
     * @throws java.io.IOException with a message saying what to fetch and where to put it when it is missing
     */
    Path model(String nameOrPath) throws java.io.IOException;

    /** The model the request named, or the strategy's default. */
    String requestedModel();

    /** Where latents go for step-by-step comparison, if the user asked for a trace. */
    Optional<TraceSink> trace();

    /**
     * Values shared with the other runs of the same {@link atelier.api.TransferSession} (or kept for this run only
     * when there is none).
     *
     * @since 1.1
     */
    RunCache cache();
}
