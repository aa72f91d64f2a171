package atelier.api;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Receives progress of a long run. Called on the worker thread; implementations must be quick.
 * <p>
 * A strategy that tiles an image itself ({@link atelier.api.spi.StrategySpec#tilesItself()}) prefixes the phases of
 * each tile with {@code tile k/n: } (k from 1), e.g. {@code tile 3/16: generation}; hosts may read it to pace their
 * estimate of the time left by the tiles done.
 */
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
