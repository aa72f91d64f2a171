package atelier.imagej;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;

import atelier.api.spi.ParameterSpec;
import atelier.imagej.ParameterFields.Field;
import atelier.imagej.ParameterFields.Kind;

class ParameterFieldsTest {

    @Test
    void floatBecomesANumericFieldWithItsRange() {
        Field f = ParameterFields.of(ParameterSpec.ofFloat("strength", "Strength", 0.75, 0, 1, "blend"));
        assertEquals(Kind.NUMERIC, f.kind());
        assertEquals("strength", f.key());
        assertEquals("Strength", f.label());
        assertEquals("0.75", f.defaultValue());
        assertEquals(2, f.digits());
        assertEquals("0 – 1", f.units());
        assertEquals("blend", f.help());
    }

    @Test
    void digitsFollowTheFinestOfDefaultAndBounds() {
        assertEquals(3, ParameterFields.of(ParameterSpec.ofFloat("t", "T", 0.5, 0.001, 2, "")).digits());
        assertEquals(6, ParameterFields.of(ParameterSpec.ofFloat("t", "T", 1e-9, 0, 1, "")).digits());
    }

    @Test
    void intBecomesAWholeNumberField() {
        Field f = ParameterFields.of(ParameterSpec.ofInt("steps", "Steps", 50, 1, 1000, ""));
        assertEquals(Kind.NUMERIC, f.kind());
        assertEquals(0, f.digits());
        assertEquals("1 – 1000", f.units());
        ParameterSpec steps = ParameterSpec.ofInt("steps", "Steps", 50, 1, 1000, "");
        assertEquals("20", ParameterFields.numberText(steps, 20.0));
        assertEquals("20.5", ParameterFields.numberText(steps, 20.5));
    }

    @Test
    void openRangesAreShown() {
        ParameterSpec atLeast = new ParameterSpec("x", "X", ParameterSpec.Type.FLOAT, "1", 0.5, Double.NaN, List.of(),
                "");
        assertEquals("≥ 0.5", ParameterFields.rangeText(atLeast));
        ParameterSpec atMost = new ParameterSpec("x", "X", ParameterSpec.Type.INT, "1", Double.NaN, 10, List.of(), "");
        assertEquals("≤ 10", ParameterFields.rangeText(atMost));
        ParameterSpec any = new ParameterSpec("x", "X", ParameterSpec.Type.FLOAT, "1", Double.NaN, Double.NaN,
                List.of(), "");
        assertEquals("any", ParameterFields.rangeText(any));
    }

    @Test
    void booleanChoiceAndStringControls() {
        Field b = ParameterFields.of(ParameterSpec.ofBoolean("keep_colors", "Keep colours", true, ""));
        assertEquals(Kind.CHECKBOX, b.kind());
        assertEquals("true", b.defaultValue());
        Field c = ParameterFields.of(ParameterSpec.ofChoice("method", "Method", "WCT", List.of("adain", "wct"), ""));
        assertEquals(Kind.CHOICE, c.kind());
        assertEquals(List.of("adain", "wct"), c.choices());
        assertEquals("wct", c.defaultValue(), "the default is shown as the canonical choice");
        Field s = ParameterFields.of(ParameterSpec.ofString("prompt", "Prompt", "a cat", ""));
        assertEquals(Kind.STRING, s.kind());
        assertEquals("a cat", s.defaultValue());
    }
}
