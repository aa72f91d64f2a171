package atelier.api;

import atelier.api.spi.StrategySpec;

/**
 * A strategy as a host sees it: its declaration and where it comes from.
 *
 * @param spec    id, name, paper and parameters
 * @param version version of the providing bundle
 * @param bundle  symbolic name of the providing bundle
 */
public record StrategyInfo(StrategySpec spec, String version, String bundle) {
    public String id() { return spec.id(); }
}
