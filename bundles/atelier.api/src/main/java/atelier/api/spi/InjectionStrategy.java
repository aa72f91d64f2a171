package atelier.api.spi;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A style-transfer method, registered as an OSGi service with the property {@value #ID_PROPERTY} = its id.
 * Stateless: everything a run needs lives in the {@link StrategyRun} that {@link #open} returns.
 */
@ConsumerType
public interface InjectionStrategy {
    /** Service property that carries the strategy id. */
    String ID_PROPERTY = "atelier.strategy.id";

    StrategySpec spec();

    /**
     * Starts a run. Parameters are already validated against {@link #spec()}.
     *
     * @throws Exception anything; the service reports it with the strategy id and bundle
     */
    StrategyRun open(RunContext context, Params params) throws Exception;
}
