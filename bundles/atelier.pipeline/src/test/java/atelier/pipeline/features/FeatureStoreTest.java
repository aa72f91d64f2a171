package atelier.pipeline.features;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import atelier.runtime.injection.FeatureKind;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FeatureStoreTest {
    private static final FeatureKey Q = new FeatureKey("up_blocks.0.attentions.0.transformer_blocks.0.attn1",
            FeatureKind.QUERY, 981);
    private static final FeatureKey Z = new FeatureKey("content", FeatureKind.LATENT, 981);

    @Test
    void everyPolicyHandsBackWhatWasStored() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray a = m.randomNormal(new Shape(2, 16, 8)).mul(3f);
            for (StorePolicy p : new StorePolicy[] {StorePolicy.FP32, StorePolicy.FP16, StorePolicy.DISK}) {
                try (FeatureStore s = FeatureStore.open(p, m)) {
                    s.put(Q, a);
                    NDArray back = s.require(Q, m);
                    assertEquals(a.getShape(), back.getShape());
                    double diff = back.sub(a).abs().max().getFloat();
                    double bound = p == StorePolicy.FP16 ? a.abs().max().getFloat() / 1024 : 0;
                    assertTrue(diff <= bound, p + " differs by " + diff);
                    assertEquals(a.getShape().size() * (p == StorePolicy.FP16 ? 2 : 4), s.featureBytes());
                    assertNull(s.get(new FeatureKey(Q.path(), FeatureKind.KEY, 981), m));
                }
            }
        }
    }

    @Test
    void recomputeKeepsOnlyLatents() {
        try (NDManager m = NDManager.newBaseManager(); FeatureStore s = FeatureStore.open(StorePolicy.RECOMPUTE, m)) {
            NDArray z = m.randomNormal(new Shape(1, 4, 8, 8));
            s.put(Z, z);
            assertEquals(0f, s.require(Z, m).sub(z).abs().max().getFloat());
            assertEquals(4 * 4 * 8 * 8, s.bytes());
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> s.put(Q, z));
            assertTrue(e.getMessage().contains("recompute"), e.getMessage());
        }
    }

    @Test
    void diskFolderIsDeletedOnCloseEvenAfterAnError(@TempDir Path tmp) throws Exception {
        Path folder = null;
        try (NDManager m = NDManager.newBaseManager()) {
            FeatureStore s = FeatureStore.open(StorePolicy.DISK, m, tmp);
            try (s) {
                s.put(Q, m.ones(new Shape(1, 4, 4)));
                folder = s.folder();
                assertNotNull(folder);
                assertTrue(Files.isDirectory(folder));
                throw new IllegalStateException("simulated failure mid-run");
            } catch (IllegalStateException expected) {
                assertEquals("simulated failure mid-run", expected.getMessage());
            }
            assertFalse(Files.exists(folder), "temporary folder survived close");
            s.close();
        }
    }

    @Test
    void autoPicksByMemory() {
        FeatureNeeds needs = new FeatureNeeds(1_000_000, 1000);
        assertEquals(StorePolicy.FP32, StorePolicy.resolve("auto", needs, 10_000_000));
        assertEquals(StorePolicy.FP16, StorePolicy.resolve("auto", needs, 3_000_000));
        assertEquals(StorePolicy.RECOMPUTE, StorePolicy.resolve("auto", needs, 1_000_000));
        assertEquals(StorePolicy.DISK, StorePolicy.resolve("Disk", needs, 1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> StorePolicy.resolve("gpu", needs, 1));
        assertTrue(e.getMessage().contains("recompute"), e.getMessage());
    }

    @Test
    void halfConversionRoundsToNearest() {
        for (float f : new float[] {0f, 1f, -2.5f, 65504f, 1e-7f, 6.1e-5f, 3.14159f, -1e5f}) {
            float back = Half.toFloat(Half.fromFloat(f));
            if (Math.abs(f) > 65520) {
                assertTrue(Float.isInfinite(back));
            } else {
                assertTrue(Math.abs(back - f) <= Math.max(Math.abs(f) / 2048, 3e-8f), f + " -> " + back);
            }
        }
        assertEquals((short) 0x3c00, Half.fromFloat(1f));
        assertEquals((short) 0x7bff, Half.fromFloat(65504f));
    }
}
