package atelier.runtime.verify;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import org.junit.jupiter.api.Test;

class FeatureBankTest {
    @Test
    void rowsAreMatchedByLabel() {
        try (NDManager m = NDManager.newBaseManager(); FeatureBank bank = new FeatureBank(m)) {
            NDArray rec;
            try (NDManager step = m.newSubManager()) {
                rec = step.create(new float[] {1, 2}, new Shape(2, 1));
                bank.put("a.attn1", "k", 3, rec, List.of("uncond", "cond"));
            }
            NDArray same = bank.get("a.attn1", "k", 3, List.of("uncond", "cond"), m);
            assertArrayEquals(new float[] {1, 2}, same.toFloatArray(), "the recording outlives its step");
            NDArray swapped = bank.get("a.attn1", "k", 3, List.of("cond", "uncond", "cond"), m);
            assertArrayEquals(new float[] {2, 1, 2}, swapped.toFloatArray());
            assertThrows(IllegalStateException.class, () -> bank.get("a.attn1", "k", 3, List.of("source"), m));
            assertThrows(IllegalStateException.class, () -> bank.get("a.attn1", "k", 4, List.of("cond"), m));
        }
    }
}
