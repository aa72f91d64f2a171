package atelier.runtime.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import org.junit.jupiter.api.Test;

/** The TorchScript ops library agrees with the pure-DJL composition. */
class OpsTest {
    private static final double TOL = 1e-5;

    @Test
    void theTorchScriptLibraryLoadsOnThePyTorchEngine() {
        if (!"djl".equals(System.getProperty(Ops.PROPERTY))) {
            assertEquals("torchscript", Ops.implementation(), String.valueOf(Ops.fallbackReason()));
        }
    }

    @Test
    void bothImplementationsAgree() {
        OpsBackend ts = Ops.active();
        OpsBackend djl = Ops.djl();
        try (NDManager m = NDManager.newBaseManager()) {
            m.getEngine().setRandomSeed(7);
            NDArray x = m.randomNormal(new Shape(2, 64, 12, 10)).mul(3f);
            NDArray w = m.randomNormal(new Shape(64));
            NDArray b = m.randomNormal(new Shape(64));
            close(ts.silu(x), djl.silu(x), "silu");
            close(ts.gelu(x), djl.gelu(x), "gelu");
            close(ts.quickGelu(x), djl.quickGelu(x), "quickGelu");
            close(ts.groupNorm(x, 32, w, b, 1e-5f), djl.groupNorm(x, 32, w, b, 1e-5f), "groupNorm");
            close(ts.groupNormSilu(x, 16, w, b, 1e-6f), djl.groupNormSilu(x, 16, w, b, 1e-6f), "groupNormSilu");
            NDArray t = m.randomNormal(new Shape(2, 77, 64));
            close(ts.layerNorm(t, w, b, 1e-5f), djl.layerNorm(t, w, b, 1e-5f), "layerNorm");
            NDArray q = m.randomNormal(new Shape(2, 4, 96, 16));
            NDArray k = m.randomNormal(new Shape(2, 4, 77, 16));
            NDArray v = m.randomNormal(new Shape(2, 4, 77, 16));
            close(ts.sdpa(q, k, v, 0.25), djl.sdpa(q, k, v, 0.25), "sdpa");
            close(ts.sdpa(q, k, v, 0.375), djl.sdpa(q, k, v, 0.375), "sdpa with temperature");
            // non-contiguous (head-transposed) inputs, as the attention modules pass them
            NDArray qt = m.randomNormal(new Shape(2, 96, 4, 16)).transpose(0, 2, 1, 3);
            close(ts.sdpa(qt, k, v, 0.25), djl.sdpa(qt, k, v, 0.25), "sdpa transposed");
        }
    }

    @Test
    void chunkedFallbackAttentionMatchesTheFusedOne() {
        try (NDManager m = NDManager.newBaseManager()) {
            // 2·2·3000·3000 logits exceed the chunk limit scaled down below, so the fallback splits the queries
            NDArray q = m.randomNormal(new Shape(2, 2, 3000, 8));
            NDArray k = m.randomNormal(new Shape(2, 2, 3000, 8));
            NDArray v = m.randomNormal(new Shape(2, 2, 3000, 8));
            assertTrue(2L * 2 * 3000 * 3000 < DjlOps.MAX_LOGITS); // fits: one block
            NDArray whole = Ops.djl().sdpa(q, k, v, 0.3);
            NDArray big = m.randomNormal(new Shape(1, 8, 4200, 8));
            NDArray bk = m.randomNormal(new Shape(1, 8, 4200, 8));
            assertTrue(8L * 4200 * 4200 > DjlOps.MAX_LOGITS); // needs chunks
            close(Ops.djl().sdpa(big, bk, bk, 0.3), Ops.active().sdpa(big, bk, bk, 0.3), "sdpa chunked");
            close(whole, Ops.active().sdpa(q, k, v, 0.3), "sdpa one block");
        }
    }

    @Test
    void resultsAcceptInPlaceUpdates() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.randomNormal(new Shape(1, 4, 3, 3));
            NDArray w = m.ones(new Shape(4));
            NDArray b = m.zeros(new Shape(4));
            Ops.silu(x).muli(2f);
            Ops.gelu(x).addi(1f);
            Ops.quickGelu(x).subi(x);
            Ops.groupNorm(x, 2, w, b, 1e-5f).addi(x);
            Ops.groupNormSilu(x, 2, w, b, 1e-5f).muli(x);
            Ops.layerNorm(x.reshape(4, 9), m.ones(new Shape(9)), m.zeros(new Shape(9)), 1e-5f).divi(2f);
            Ops.sdpa(x, x, x, 1.0).muli(0.5f);
        }
    }

    @Test
    void resultsLandInTheInputsManager() {
        try (NDManager m = NDManager.newBaseManager(); NDManager sub = m.newSubManager()) {
            NDArray w = m.ones(new Shape(8));
            NDArray b = m.zeros(new Shape(8));
            NDArray x = sub.randomNormal(new Shape(1, 8, 4, 4));
            int before = m.getManagedArrays().size() - sub.getManagedArrays().size();
            NDArray y = Ops.groupNorm(x, 4, w, b, 1e-5f);
            assertEquals(sub, y.getManager());
            assertEquals(before, m.getManagedArrays().size() - sub.getManagedArrays().size());
        }
    }

    private static void close(NDArray a, NDArray b, String what) {
        double err = a.sub(b).abs().max().getFloat();
        System.out.printf("ops %s: max abs diff %.3g%n", what, err);
        assertTrue(err <= TOL, what + ": " + err);
    }
}
