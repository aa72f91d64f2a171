package atelier.runtime.injection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import atelier.api.hooks.HookSet;
import atelier.api.hooks.StepInfo;
import atelier.runtime.io.SafetensorsFile;
import atelier.runtime.testutil.Oracle;
import atelier.runtime.unet.UNet2DConditionModel;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The golden case g_kv_injection through the real {@link StyleInjectionProcessor}: content and style runs
 * capture Q and K/V with {@link CaptureProcessor}, the injected run uses the processor with stored features.
 */
class KvInjectionParityTest {
    private static final List<String> LAYERS = List.of("up_blocks.0.attentions.0.transformer_blocks.0.attn1",
            "up_blocks.0.attentions.1.transformer_blocks.0.attn1",
            "up_blocks.0.attentions.2.transformer_blocks.0.attn1");
    private static final int[] TIMESTEPS = {901, 801, 701, 601, 501, 401, 301, 201, 101, 1};
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

    private record Key(String path, FeatureKind kind, int t) { }

    /** The CFG sampler of e_ddim_sampling_cfg; returns the final latent, fills firstEps[0] if asked. */
    private static NDArray sample(NDManager run, NDArray zT, HookSet hooks, NDArray[] firstEps) {
        float[] ac = golden.load("sched.alphas_cumprod", run).toFloatArray();
        NDArray ctx = NDArrays.concat(new NDList(golden.load("out.sample_uncond_embedding", run),
                golden.load("out.sample_cond_embedding", run)), 0);
        NDArray x = zT;
        for (int i = 0; i < TIMESTEPS.length; i++) {
            int t = TIMESTEPS[i];
            try (NDManager step = run.newSubManager()) {
                x.tempAttach(step);
                NDArray in = NDArrays.concat(new NDList(x, x), 0);
                NDArray tt = step.create(new int[] {t});
                NDArray e = unet.forward(in, tt, ctx, hooks,
                        new StepInfo(StepInfo.Phase.GENERATION, i, TIMESTEPS.length, t, List.of("uncond", "cond")));
                NDArray eu = e.get("0:1");
                NDArray g = eu.add(e.get("1:2").sub(eu).mul(7.5f));
                if (firstEps != null && i == 0) {
                    firstEps[0] = g.duplicate();
                    firstEps[0].attach(run);
                }
                float a = ac[t];
                float ap = t - 100 >= 0 ? ac[t - 100] : ac[0];
                NDArray x0 = x.sub(g.mul((float) Math.sqrt(1 - a))).div((float) Math.sqrt(a));
                NDArray next = x0.mul((float) Math.sqrt(ap)).add(g.mul((float) Math.sqrt(1 - ap)));
                next.attach(run);
                x = next;
            }
        }
        return x;
    }

    @Test
    void matchesDiffusersReference() throws Exception {
        try (NDManager run = manager.newSubManager()) {
            Map<Key, NDArray> store = new HashMap<>();
            FeatureSink sink = (path, kind, t, a) -> {
                NDArray copy = a.duplicate();
                copy.attach(run);
                store.put(new Key(path, kind, t), copy);
            };
            HookSet content = HookSet.empty();
            HookSet style = HookSet.empty();
            for (String l : LAYERS) {
                content.attention(l, new CaptureProcessor(EnumSet.of(FeatureKind.QUERY), null, sink));
                style.attention(l, new CaptureProcessor(EnumSet.of(FeatureKind.KEY, FeatureKind.VALUE), null, sink));
            }
            NDArray contentFinal = sample(run, golden.load("in.sample_zT", run), content, null);
            NDArray styleFinal = sample(run, golden.load("in.style_zT", run), style, null);
            assertTrue(Oracle.maxAbsDiff(contentFinal, golden.load("out.sample_final_latent", run)) < 6.8e-4);
            double styleAtol = Oracle.goldenCase("g_kv_injection").getAsJsonObject("style_final_latent")
                    .get("recommended_atol").getAsDouble();
            assertTrue(Oracle.maxAbsDiff(styleFinal, golden.load("out.kv_style_final_latent", run)) < styleAtol);

            StyleFeatureSource stored = call -> new StyleFeatures(
                    store.get(new Key(call.path(), FeatureKind.QUERY, call.step().timestep())),
                    store.get(new Key(call.path(), FeatureKind.KEY, call.step().timestep())),
                    store.get(new Key(call.path(), FeatureKind.VALUE, call.step().timestep())));
            HookSet inject = HookSet.empty();
            for (String l : LAYERS) {
                inject.attention(l, new StyleInjectionProcessor(0.75, 1.5, stored, Set.of()));
            }
            NDArray[] eps = new NDArray[1];
            NDArray out = sample(run, golden.load("in.sample_zT", run), inject, eps);
            var c = Oracle.goldenCase("g_kv_injection");
            double epsDiff = Oracle.maxAbsDiff(eps[0], golden.load("out.kv_inject_first_guided_eps", run));
            double finalDiff = Oracle.maxAbsDiff(out, golden.load("out.kv_inject_final_latent", run));
            assertTrue(epsDiff < c.getAsJsonObject("first_guided_eps").get("recommended_atol").getAsDouble(),
                    "first guided eps differs by " + epsDiff);
            assertTrue(finalDiff < c.getAsJsonObject("final_latent").get("recommended_atol").getAsDouble(),
                    "final latent differs by " + finalDiff);
        }
    }

    @Test
    void callsProjectStoredHiddenStatesExactlyAsTheModuleDoes() {
        double[] worst = {0};
        int[] seen = {0};
        HookSet hooks = HookSet.empty();
        for (String l : LAYERS) {
            hooks.attention(l, call -> {
                AttentionProjections p = (AttentionProjections) call;
                worst[0] = Math.max(worst[0], p.projectQuery(call.hiddenStates()).sub(call.query()).abs().max()
                        .getFloat());
                worst[0] = Math.max(worst[0], p.projectKey(call.context()).sub(call.key()).abs().max().getFloat());
                worst[0] = Math.max(worst[0], p.projectValue(call.context()).sub(call.value()).abs().max()
                        .getFloat());
                seen[0]++;
            });
        }
        try (NDManager m = manager.newSubManager()) {
            NDArray x = golden.load("in.sample_zT", m);
            NDArray ctx = golden.load("out.sample_uncond_embedding", m);
            unet.forward(x, m.create(new int[] {501}), ctx, hooks, null);
        }
        assertEquals(LAYERS.size(), seen[0]);
        assertEquals(0.0, worst[0], "projections differ from the call's own");
    }

    @Test
    void rejectsBadParametersAndRowCounts() {
        StyleFeatureSource none = call -> null;
        assertThrows(IllegalArgumentException.class, () -> new StyleInjectionProcessor(1.5, 1, none, Set.of()));
        assertThrows(IllegalArgumentException.class, () -> new StyleInjectionProcessor(0.5, 0, none, Set.of()));
        try (NDManager m = manager.newSubManager()) {
            NDArray three = m.zeros(new Shape(3, 4, 8));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> BatchRows.matched(three, 0, 2, "style key"));
            assertTrue(e.getMessage().contains("style key has 3 rows"), e.getMessage());
            assertEquals(new Shape(1, 4, 8), BatchRows.matched(three.get("0:1"), 1, 2, "q").getShape());
        }
    }
}
