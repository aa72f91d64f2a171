package atelier.api.spi;

import atelier.api.FloatImage;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * One run of a strategy. It owns its cached tensors (in {@link RunContext#manager()} or sub-managers of it)
 * and releases them in {@link #close()}, which is always called, also after an error or cancellation.
 */
@ConsumerType
public interface StrategyRun extends AutoCloseable {

    /**
     * Produces the stylised image, the size of the content image. Poll {@link RunContext#cancellation()}
     * between steps and report through {@link RunContext#progress()}.
     */
    FloatImage execute() throws Exception;

    @Override
    default void close() { }
}
