package atelier.ui.presets.internal;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import atelier.api.spi.ParameterSpec;
import atelier.api.spi.Preset;

/**
 * Every preset must be valid for its strategy: the keys and values are checked against a copy of latent-stats'
 * parameter declaration (the strategy bundle is not a dependency of this one), so a typo fails here, not in a
 * user's dialog.
 */
class AtelierPresetsTest {
    private static final List<ParameterSpec> LATENT_STATS = List.of(
            ParameterSpec.ofChoice("method", "Method", "adain", List.of("adain", "wct"), ""),
            ParameterSpec.ofFloat("strength", "Strength", 1.0, 0.0, 1.0, ""),
            ParameterSpec.ofChoice("autoencoder", "Autoencoder", "taef2",
                    List.of("taesd", "taesdxl", "taesd3", "taef1", "taef2"), ""),
            ParameterSpec.ofBoolean("keep_colors", "Keep colours", false, ""));

    /** The keys of StyleID that presets use, as StyleIdSettings declares them. */
    private static final List<ParameterSpec> STYLEID = List.of(
            ParameterSpec.ofFloat("gamma", "Query preservation", 0.75, 0, 1, ""),
            ParameterSpec.ofFloat("tau", "Temperature", 1.5, 0.1, 10, ""),
            ParameterSpec.ofInt("steps", "DDIM steps", 50, 2, 1000, ""),
            ParameterSpec.ofBoolean("adain", "AdaIN initial latent", true, ""));

    @Test
    void everyPresetIsValidForItsStrategyAndNamedOnce() {
        List<Preset> presets = new AtelierPresets().presets();
        assertTrue(presets.stream().filter(p -> p.strategyId().equals(AtelierPresets.LATENT_STATS)).count() >= 3,
                "at least a few presets for latent-stats");
        Set<String> names = new HashSet<>();
        for (Preset p : presets) {
            List<ParameterSpec> specs = switch (p.strategyId()) {
                case AtelierPresets.LATENT_STATS -> LATENT_STATS;
                case AtelierPresets.STYLEID -> STYLEID;
                default -> throw new AssertionError(p.name() + ": unexpected strategy " + p.strategyId());
            };
            assertTrue(names.add(p.name()), "duplicate preset name " + p.name());
            assertTrue(!p.description().isBlank(), p.name() + " has no description");
            for (Map.Entry<String, String> e : p.values().entrySet()) {
                ParameterSpec spec = specs.stream().filter(s -> s.key().equals(e.getKey())).findFirst()
                        .orElseThrow(() -> new AssertionError(p.name() + ": unknown key " + e.getKey()));
                spec.parse(e.getValue());
            }
        }
    }
}
