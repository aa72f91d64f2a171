package atelier.api;

import org.osgi.annotation.versioning.ConsumerType;

/** Receives progress of a long run. Called on the worker thread; implementations must be quick. */
@ConsumerType
@FunctionalInterface
public interface ProgressListener {
    ProgressListener NONE = (phase, done, total) -> { };

    /**
     * @param phase what is happening, e.g. "encode", "inversion", "generation", "decode"
     * @param done  units finished in this phase
     * @param total units in this phase (≥ 1)
     */
    void progress(String phase, int done, int total);
}
