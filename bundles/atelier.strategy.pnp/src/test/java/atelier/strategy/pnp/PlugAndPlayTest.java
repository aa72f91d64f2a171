package atelier.strategy.pnp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import atelier.api.FloatImage;
import atelier.api.spi.Params;
import atelier.pipeline.diffusion.DdimSchedule;
import atelier.pipeline.diffusion.RunControl;
import atelier.pipeline.diffusion.SdParts;
import atelier.pipeline.features.StorePolicy;
import atelier.strategy.pnp.internal.PnpRun;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** PnP on the tiny test model: τ = 0 is plain sampling, store policies agree, validation. */
class PlugAndPlayTest {
    private static NDManager manager;
    private static SdParts sd;
    private static NDArray z0;
    private static NDArray empty;
    private static NDArray neg;
    private static NDArray prompt;
    /** Tiny-sd: self-attention in up_blocks.0 (output blocks 0–2); 4 sampling steps on a 4-step inversion. */
    private static final PnpSettings BASE = PnpSettings.defaults().with(Map.of("attn_layers", "1-2", "steps", "4",
            "inversion_steps", "4", "tau_f", "3", "tau_a", "2", "prompt", "a watercolor of a cat"));

    @BeforeAll
    static void load() throws IOException {
        manager = NDManager.newBaseManager();
        sd = SdParts.load(Path.of(System.getProperty("atelier.shared", "../../../shared")).resolve("models/tiny-sd"),
                manager);
        manager.getEngine().setRandomSeed(11);
        z0 = manager.randomNormal(new Shape(1, 4, 32, 32)).mul(0.8f);
        empty = sd.encodePrompt("", manager);
        neg = sd.encodePrompt(PnpSettings.DEFAULT_NEGATIVE, manager);
        prompt = sd.encodePrompt("a watercolor of a cat", manager);
    }

    @AfterAll
    static void close() {
        sd.close();
        manager.close();
    }

    private static PlugAndPlay.Outcome run(PnpSettings s, StorePolicy p, NDManager m) throws Exception {
        return new PlugAndPlay(sd.unet(), sd.schedule(), s).run(z0, empty, empty, neg, prompt, p, m, RunControl.NONE);
    }

    private static double maxAbs(NDArray a, NDArray b) { return a.sub(b).abs().max().getFloat(); }

    @Test
    void withoutInjectionItIsPlainSamplingFromTheInvertedLatent() throws Exception {
        try (NDManager m = manager.newSubManager()) {
            PnpSettings s = BASE.with(Map.of("tau_f", "0", "tau_a", "0"));
            PlugAndPlay.Outcome out = run(s, StorePolicy.RECOMPUTE, m);
            // plain CFG sampling with [negative, cond] rows (α₀ = 0: the negative prompt is the uncond branch)
            DdimSchedule sch = sd.schedule();
            NDArray x = out.start();
            NDArray ctx = NDArrays.concat(new NDList(neg, prompt), 0);
            for (int t : sch.timesteps(4)) {
                NDArray e = sd.unet().forward(NDArrays.concat(new NDList(x, x), 0), m.create(new int[] {t}), ctx);
                NDArray u = e.get("0:1");
                NDArray g = u.add(e.get("1:2").sub(u).mul(7.5f));
                x = DdimSchedule.move(x, g, sch.alpha(t), sch.alpha(sch.previous(t, 4)));
            }
            double d = maxAbs(x, out.latent());
            assertTrue(d <= 1e-4, "differs from plain sampling by " + d);
            double moved = maxAbs(run(BASE, StorePolicy.RECOMPUTE, m).latent(), x);
            assertTrue(moved > 1e-2, "injection should change the result, changed by " + moved);
        }
    }

    @Test
    void everyStorePolicyGivesTheSameResult() throws Exception {
        try (NDManager m = manager.newSubManager()) {
            for (PnpSettings s : new PnpSettings[] {BASE, BASE.with(Map.of("alpha_schedule", "linear", "alpha0",
                    "0.75"))}) {
                PlugAndPlay.Outcome ref = run(s, StorePolicy.RECOMPUTE, m);
                double scale = ref.latent().abs().max().getFloat();
                List<StorePolicy> others = new ArrayList<>(List.of(StorePolicy.FP32));
                if (s == BASE) {
                    others.add(StorePolicy.DISK);
                    others.add(StorePolicy.FP16);
                }
                for (StorePolicy p : others) {
                    PlugAndPlay.Outcome o = run(s, p, m);
                    double d = maxAbs(ref.latent(), o.latent());
                    double bound = p == StorePolicy.FP16 ? p.statedTolerance() * scale : 1e-4;
                    assertTrue(d <= bound, p + " differs from recompute by " + d + " (bound " + bound + ")");
                    if (p == StorePolicy.FP32) {
                        assertTrue(o.storeFeatureBytes() > 0);
                    }
                }
                assertEquals(0, ref.storeFeatureBytes());
            }
        }
    }

    @Test
    void imagesEndToEndAndValidation() throws Exception {
        float[] px = new float[3 * 64 * 64];
        for (int i = 0; i < px.length; i++) {
            px[i] = ((i / 64) % 64) / 63f;
        }
        try (NDManager m = manager.newSubManager()) {
            FloatImage out = PnpRun.execute(sd, new FloatImage(64, 64, 3, px), BASE, m, RunControl.NONE);
            assertEquals(64, out.height());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new PlugAndPlay(sd.unet(), sd.schedule(), PnpSettings.defaults()));
        assertTrue(e.getMessage().contains("attn_layers: output block 4"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new PlugAndPlay(sd.unet(), sd.schedule(), BASE.with(Map.of("inversion_steps", "3"))));
        assertTrue(e.getMessage().contains("inversion_steps"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new PlugAndPlay(sd.unet(), sd.schedule(), BASE.with(Map.of("feature_layer", "mid_block"))));
        assertTrue(e.getMessage().contains("feature_layer"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> BASE.with(Map.of("tau_f", "5")));
        assertTrue(e.getMessage().contains("tau_f: 5"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Params.of(PnpSettings.PARAMETERS, Map.of("alpha_schedule", "cosine")));
        assertTrue(e.getMessage().contains("alpha_schedule"), e.getMessage());
        PnpSettings d = PnpSettings.defaults();
        assertEquals(40, d.tauF());
        assertEquals(25, d.tauA());
        assertEquals(7.5, d.guidance());
        assertEquals(999, d.inversionSteps());
        assertEquals(0.75 * Math.exp(-6), BASE.with(Map.of("alpha_schedule", "exp", "alpha0", "0.75")).alpha(3),
                1e-12);
        for (var p : PnpSettings.PARAMETERS) {
            assertTrue(p.help().contains("default"), p.key() + " help names no default");
        }
    }
}
