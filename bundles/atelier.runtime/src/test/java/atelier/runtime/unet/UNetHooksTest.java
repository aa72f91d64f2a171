package atelier.runtime.unet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import atelier.api.hooks.AttentionProcessor;
import atelier.api.hooks.HookSet;
import atelier.api.hooks.StepInfo;
import atelier.runtime.io.SafetensorsFile;
import atelier.runtime.testutil.Oracle;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Hook dispatch in the UNet: pass-through is exact, processors see and change what they should. */
class UNetHooksTest {
    private static final String ATTN1 = "up_blocks.0.attentions.1.transformer_blocks.0.attn1";
    private static final String ATTN2 = "down_blocks.1.attentions.0.transformer_blocks.0.attn2";
    private static NDManager manager;
    private static UNet2DConditionModel unet;
    private static SafetensorsFile golden;

    @BeforeAll
    static void load() throws Exception {
        manager = NDManager.newBaseManager();
        unet = UNet2DConditionModel.load(Oracle.tinySd().resolve("unet"), manager);
        golden = SafetensorsFile.open(Oracle.goldenDir().resolve("golden.safetensors"));
    }

    @AfterAll
    static void close() {
        unet.close();
        golden.close();
        manager.close();
    }

    private static NDArray[] inputs(NDManager m) {
        String n = "b2_32x32_t501";
        return new NDArray[] {golden.load("in.unet_" + n + "_sample", m), golden.load("in.unet_" + n + "_timestep", m),
            golden.load("in.unet_" + n + "_context", m)};
    }

    private static NDArray run(NDManager m, HookSet hooks) {
        NDArray[] in = inputs(m);
        return unet.forward(in[0], in[1], in[2], hooks, new StepInfo(StepInfo.Phase.OTHER, 0, 1, 501,
                List.of("uncond", "cond")));
    }

    @Test
    void hookPointsNameEveryModule() {
        List<String> points = unet.hookPoints();
        for (String p : List.of("conv_in", "conv_out", "mid_block", "down_blocks.0", "down_blocks.1", "up_blocks.0",
                "up_blocks.1", "down_blocks.0.resnets.1", "down_blocks.0.resnets.1.conv2", "up_blocks.1.resnets.2.conv2",
                "mid_block.resnets.1.conv2", "up_blocks.0.attentions.2", ATTN1, ATTN2,
                "mid_block.attentions.0.transformer_blocks.0.attn1", "down_blocks.0.downsamplers.0",
                "up_blocks.0.upsamplers.0")) {
            assertTrue(points.contains(p), "missing hook point " + p);
        }
        // tiny-sd: CrossAttnDown at level 1 (2 layers), mid (1), CrossAttnUp at level 0 (3 layers) → 6 blocks
        assertEquals(12, unet.attentionPaths().size());
        assertTrue(unet.attentionPaths().stream().allMatch(p -> p.endsWith("attn1") || p.endsWith("attn2")));
    }

    @Test
    void processorsThatChangeNothingLeaveTheOutputBitIdentical() {
        try (NDManager m = manager.newSubManager()) {
            float[] plain = run(m, HookSet.empty()).toFloatArray();
            AtomicInteger seen = new AtomicInteger();
            HookSet hooks = HookSet.empty()
                    .feature("down_blocks.0.resnets.0.conv2", c -> seen.incrementAndGet())
                    .feature("mid_block", c -> c.setOutput(c.output()))
                    .attention(ATTN1, c -> seen.incrementAndGet())
                    .attention(ATTN2, c -> {
                        c.setQuery(c.query());
                        c.setKey(c.key());
                        c.setValue(c.value());
                        c.setLogitScale(1.0);
                        seen.incrementAndGet();
                    });
            float[] hooked = run(m, hooks).toFloatArray();
            assertEquals(3, seen.get());
            assertArrayEquals(plain, hooked, 0f);
            // an extra key/value stream with weight 0 adds exactly zero
            float[] zeroStream = run(m, HookSet.empty().attention(ATTN2, c -> c.addKeyValueStream(c.key(), c.value(),
                    0.0))).toFloatArray();
            assertArrayEquals(plain, zeroStream, 0f);
        }
    }

    @Test
    void processorsSeeShapesAndTheirChangesReachTheOutput() {
        try (NDManager m = manager.newSubManager()) {
            NDArray plain = run(m, HookSet.empty());
            List<String> seen = new ArrayList<>();
            HookSet hooks = HookSet.empty()
                    .feature("mid_block", c -> {
                        assertEquals(new Shape(2, 64, 16, 16), c.output().getShape());
                        seen.add(c.path());
                    })
                    .attention(ATTN1, c -> {
                        assertTrue(c.isSelfAttention());
                        assertEquals(4, c.heads());
                        assertEquals(new Shape(2, 256, 64), c.query().getShape());
                        assertEquals(List.of("uncond", "cond"), c.step().rows());
                        seen.add(c.path());
                    })
                    .attention(ATTN2, c -> {
                        assertFalse(c.isSelfAttention());
                        assertEquals(new Shape(2, 77, 32), c.context().getShape());
                        assertEquals(new Shape(2, 77, 64), c.key().getShape());
                        seen.add(c.path());
                    });
            run(m, hooks);
            assertEquals(List.of(ATTN2, "mid_block", ATTN1), seen);

            double tau = Oracle.maxAbsDiff(plain, run(m, HookSet.empty().attention(ATTN1, c -> c.setLogitScale(1.5))));
            double resid = Oracle.maxAbsDiff(plain, run(m, HookSet.empty().feature("up_blocks.1.resnets.0.conv2",
                    c -> c.setOutput(c.output().mul(0f)))));
            double mid = Oracle.maxAbsDiff(plain, run(m, HookSet.empty().feature("mid_block",
                    c -> c.setOutput(c.output().mul(2f)))));
            assertTrue(tau > 1e-5 && resid > 1e-5 && mid > 1e-5, tau + " " + resid + " " + mid);
        }
    }

    @Test
    void replacementsFromAnotherManagerAreCopiedNotStolen() {
        try (NDManager m = manager.newSubManager(); NDManager keep = manager.newSubManager()) {
            NDArray[] cached = new NDArray[1];
            run(m, HookSet.empty().feature("mid_block", c -> {
                cached[0] = c.output().duplicate();
                cached[0].attach(keep);
            }));
            NDArray out = run(m, HookSet.empty().feature("mid_block", c -> c.setOutput(cached[0])));
            assertEquals(keep, cached[0].getManager());
            assertTrue(Float.isFinite(cached[0].sum().getFloat()));
            assertTrue(Float.isFinite(out.sum().getFloat()));
        }
    }

    @Test
    void wrongReplacementShapeIsAnError() {
        try (NDManager m = manager.newSubManager()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> run(m,
                    HookSet.empty().attention(ATTN1, c -> c.setQuery(c.query().get("0:1")))));
            assertTrue(e.getMessage().contains(ATTN1), e.getMessage());
        }
    }

    @Test
    void unknownPathNamesTheNearestValidOnes() {
        AttentionProcessor nop = c -> { };
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> unet.validate(
                HookSet.empty().attention("up_blocks.0.attentions.1.transformer_blocks.0.atn1", nop)));
        assertTrue(e.getMessage().startsWith("unknown hook path 'up_blocks.0.attentions.1.transformer_blocks"
                + ".0.atn1'; nearest valid paths: " + ATTN1), e.getMessage());
        IllegalArgumentException f = assertThrows(IllegalArgumentException.class, () -> unet.validate(
                HookSet.empty().feature("mid_blok", c -> { })));
        assertTrue(f.getMessage().contains("nearest valid paths: mid_block"), f.getMessage());
        IllegalArgumentException g = assertThrows(IllegalArgumentException.class, () -> unet.validate(
                HookSet.empty().attention("mid_block", nop)));
        assertTrue(g.getMessage().startsWith("unknown hook path 'mid_block'; nearest valid paths: mid_block.attentions"),
                g.getMessage());
        try (NDManager m = manager.newSubManager()) {
            assertThrows(IllegalArgumentException.class, () -> run(m, HookSet.empty().feature("nowhere", c -> { })));
        }
    }

    @Test
    void oddLatentSizesUpsampleToTheSkipSizes() {
        try (NDManager m = manager.newSubManager()) {
            NDArray x = m.randomNormal(new Shape(1, 4, 31, 27));
            NDArray ctx = m.randomNormal(new Shape(1, 5, 32));
            NDArray out = unet.forward(x, m.create(10L), ctx);
            assertEquals(new Shape(1, 4, 31, 27), out.getShape());
            assertTrue(Float.isFinite(out.sum().getFloat()));
            assertThrows(IllegalArgumentException.class, () -> unet.forward(x, m.create(10L),
                    m.randomNormal(new Shape(1, 5, 16))));
            assertThrows(IllegalArgumentException.class, () -> unet.forward(x, m.create(new long[] {1, 2, 3}), ctx));
        }
    }

    @Test
    void aCallLeavesOnlyItsOutputBehind() {
        try (NDManager m = manager.newSubManager()) {
            NDArray[] in = inputs(m);
            int modelArrays = manager.getManagedArrays().size();
            int before = m.getManagedArrays().size();
            NDArray out = unet.forward(in[0], in[1], in[2]);
            assertEquals(before + 1, m.getManagedArrays().size());
            assertEquals(m, in[0].getManager());
            assertEquals(m, in[2].getManager());
            assertEquals(modelArrays + 1, manager.getManagedArrays().size());
            out.close();
        }
    }
}
