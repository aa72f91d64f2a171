package atelier.imagej;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import atelier.api.StrategyInfo;
import atelier.api.spi.ParameterSpec;
import atelier.api.spi.StrategySpec;

class SettingsParserTest {
    private final List<StrategyInfo> strategies = new FakeStyleTransferService().strategies();

    private static String message(Runnable r) {
        return assertThrows(IllegalArgumentException.class, r::run).getMessage();
    }

    @Test
    void defaultsToLatentStatsAndFillsEveryDefault() {
        TransferSettings s = SettingsParser.parse("style=[ihc.png] ", strategies);
        assertEquals("latent-stats", s.strategyId());
        assertEquals("ihc.png", s.style());
        assertEquals(Map.of("autoencoder", "taef2", "method", "adain", "strength", "1.0", "keep_colors", "false"),
                s.parameters());
        assertEquals("[autoencoder, method, strength, keep_colors]", s.parameters().keySet().toString());
        assertEquals(42, s.seed());
        assertEquals("", s.model());
    }

    @Test
    void valuesAreValidatedAndCanonical() {
        TransferSettings s = SettingsParser.parse(
                "style=a strategy=LATENT-STATS method=WCT strength=.25 keep_colors seed=-3 model=[my model]",
                strategies);
        assertEquals("latent-stats", s.strategyId());
        assertEquals("wct", s.parameters().get("method"));
        assertEquals("0.25", s.parameters().get("strength"));
        assertEquals("true", s.parameters().get("keep_colors"));
        assertEquals(-3, s.seed());
        assertEquals("my model", s.model());
    }

    @Test
    void everyParameterTypeParses() {
        TransferSettings s = SettingsParser.parse("style=a strategy=all-types gamma=0.5 steps=20 adain_init=false "
                + "layers=all prompt=[a cat, in oils]", strategies);
        assertEquals(Map.of("gamma", "0.5", "steps", "20", "adain_init", "false", "layers", "all",
                "prompt", "a cat, in oils"), s.parameters());
    }

    @Test
    void outOfRangeSaysWhatIsAllowed() {
        String m = message(() -> SettingsParser.parse("style=a strength=1.5", strategies));
        assertTrue(m.contains("strength") && m.contains("1.5") && m.contains("0 – 1"), m);
    }

    @Test
    void badChoiceListsTheChoices() {
        String m = message(() -> SettingsParser.parse("style=a method=gram", strategies));
        assertTrue(m.contains("method") && m.contains("[adain, wct]"), m);
    }

    @Test
    void notANumberNotAWholeNumberNotABoolean() {
        assertTrue(message(() -> SettingsParser.parse("style=a strength=lots", strategies)).contains("not a number"));
        String m = message(() -> SettingsParser.parse("style=a strategy=all-types steps=2.5", strategies));
        assertTrue(m.contains("steps") && m.contains("not a whole number") && m.contains("1 – 1000"), m);
        m = message(() -> SettingsParser.parse("style=a keep_colors=maybe", strategies));
        assertTrue(m.contains("not true or false"), m);
    }

    @Test
    void unknownKeyListsTheAllowedOnes() {
        String m = message(() -> SettingsParser.parse("style=a strenght=0.5", strategies));
        assertTrue(m.contains("'strenght'") && m.contains("style, strategy, seed, model, stack, range, color, "
                + "tile, feather, autoencoder, method, strength, keep_colors"), m);
    }

    @Test
    void styleIsRequired() {
        assertTrue(message(() -> SettingsParser.parse("strength=0.5", strategies)).contains("style=[...] is required"));
        assertTrue(message(() -> SettingsParser.parse("style=[ ]", strategies)).contains("style"));
    }

    @Test
    void unknownStrategyListsTheInstalledOnes() {
        String m = message(() -> SettingsParser.parse("style=a strategy=styleid", strategies));
        assertTrue(m.contains("'styleid'") && m.contains("all-types, latent-stats"), m);
        assertTrue(message(() -> SettingsParser.parse("style=a", List.of())).contains("no style transfer strategy"));
    }

    @Test
    void badSeed() {
        assertTrue(message(() -> SettingsParser.parse("style=a seed=x", strategies)).contains("seed"));
        assertTrue(message(() -> SettingsParser.parse("style=a seed=1.5", strategies)).contains("seed"));
        assertEquals(7, SettingsParser.parseSeed("7.0"));
    }

    @Test
    void withoutLatentStatsTheFirstInstalledStrategyIsTheDefault() {
        StrategyInfo only = strategies.get(0);
        assertEquals("all-types", SettingsParser.parse("style=a", List.of(only)).strategyId());
    }

    @Test
    void aStrategyMayNotShadowTheCommandsOwnKeys() {
        StrategySpec spec = new StrategySpec("seedy", "Seedy", "", "", "",
                List.of(ParameterSpec.ofInt("seed", "Seed", 1, 0, 9, "")));
        String m = message(() -> SettingsParser.parse("style=a strategy=seedy",
                List.of(new StrategyInfo(spec, "1.0.0", "org.example.seedy"))));
        assertTrue(m.contains("seedy") && m.contains("org.example.seedy") && m.contains("'seed'"), m);
    }

    @Test
    void macroOptionsOfSettingsParseBackToTheSameSettings() {
        TransferSettings s = SettingsParser.parse("style=[dir with space/ihc.png] strategy=all-types gamma=0.1 "
                + "prompt=[two words] seed=9 model=[m 1]", strategies);
        assertEquals(s, SettingsParser.parse(s.toMacroOptions(), strategies));
    }
}
