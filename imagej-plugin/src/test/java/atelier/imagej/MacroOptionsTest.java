package atelier.imagej;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;

class MacroOptionsTest {

    @Test
    void readsPlainBracketedAndBareKeysWithImageJsTrailingSpace() {
        MacroOptions o = MacroOptions.parse("style=[my style.png] Strategy=latent-stats strength=0.5 keep_colors ");
        assertEquals(Map.of("style", "my style.png", "strategy", "latent-stats", "strength", "0.5",
                "keep_colors", "true"), o.asMap());
        assertEquals("[style, strategy, strength, keep_colors]", o.asMap().keySet().toString());
    }

    @Test
    void emptyAndNullOptionsHaveNoKeys() {
        assertTrue(MacroOptions.parse(null).asMap().isEmpty());
        assertTrue(MacroOptions.parse("   ").asMap().isEmpty());
    }

    @Test
    void bracketsMayHoldEqualsSignsAndBeEmpty() {
        MacroOptions o = MacroOptions.parse("prompt=[a=b c] model=[] seed=3");
        assertEquals("a=b c", o.get("prompt"));
        assertEquals("", o.get("model"));
        assertEquals("3", o.get("seed"));
    }

    @Test
    void unclosedBracketNamesTheKey() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MacroOptions.parse("style=[unfinished strength=1"));
        assertTrue(e.getMessage().contains("'style'"), e.getMessage());
    }

    @Test
    void keyGivenTwiceIsAnError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MacroOptions.parse("strength=1 Strength=0.5"));
        assertTrue(e.getMessage().contains("'strength' is given twice"), e.getMessage());
    }

    @Test
    void equalsWithoutKeyIsAnError() {
        assertThrows(IllegalArgumentException.class, () -> MacroOptions.parse("=5"));
    }

    @Test
    void formatBracketsOnlyWhenNeededAndRoundTrips() {
        assertEquals("strength=0.5", MacroOptions.format("strength", "0.5"));
        assertEquals("style=[a b.png]", MacroOptions.format("style", "a b.png"));
        assertEquals("model=[]", MacroOptions.format("model", ""));
        String line = MacroOptions.format("style", "dir with space/x.png") + " " + MacroOptions.format("seed", "1");
        assertEquals(Map.of("style", "dir with space/x.png", "seed", "1"), MacroOptions.parse(line).asMap());
    }
}
