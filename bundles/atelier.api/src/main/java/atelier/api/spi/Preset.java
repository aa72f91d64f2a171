package atelier.api.spi;

import java.util.Map;
import java.util.Objects;

/**
 * A named parameter set for one strategy.
 *
 * @param name        shown in the preset menu
 * @param strategyId  the strategy it applies to
 * @param values      parameter values by key (others keep their defaults)
 * @param description one line
 */
public record Preset(String name, String strategyId, Map<String, String> values, String description) {
    public Preset {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(strategyId, "strategyId");
        values = Map.copyOf(values);
        description = description == null ? "" : description;
    }
}
