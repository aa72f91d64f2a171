package atelier.pipeline.internal;

import atelier.api.StrategyInfo;
import atelier.api.spi.InjectionStrategy;
import atelier.api.spi.StrategySpec;

/**
 * An installed strategy service and where it comes from.
 *
 * @param strategy  the service object
 * @param id        from the service property {@code atelier.strategy.id}, else {@code spec().id()}
 * @param spec      the strategy's declaration, read once when it was bound
 * @param bundle    symbolic name of the providing bundle
 * @param version   version of the providing bundle
 * @param serviceId the framework's {@code service.id} (ties broken by lowest)
 * @param ranking   {@code service.ranking} (the highest wins when two services share an id)
 */
record StrategyEntry(InjectionStrategy strategy, String id, StrategySpec spec, String bundle, String version,
        long serviceId, int ranking) {

    StrategyInfo info() {
        StrategySpec s = spec.id().equals(id) ? spec
                : new StrategySpec(id, spec.name(), spec.paper(), spec.description(), spec.defaultModel(),
                        spec.parameters());
        return new StrategyInfo(s, version, bundle);
    }

    /** How failures name it: {@code 'id' from bundle bsn version}. */
    String describe() { return "'" + id + "' from bundle " + bundle + " " + version; }

    /** True if this entry should be preferred over {@code other} for the same id. */
    boolean beats(StrategyEntry other) {
        if (ranking != other.ranking) {
            return ranking > other.ranking;
        }
        return serviceId < other.serviceId;
    }
}
