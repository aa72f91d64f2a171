package atelier.runtime.sd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import atelier.api.CancellationToken;
import atelier.api.TransferException;
import atelier.api.hooks.HookSet;
import atelier.api.hooks.StepInfo;
import atelier.runtime.verify.GoldenManifest;

import com.google.gson.JsonObject;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The sampler and the inverter against diffusers on tiny-sd (cases e_ddim_sampling_cfg, f_ddim_inversion). */
class SamplerParityTest {
    static NDManager root;
    static StableDiffusionModel model;
    static GoldenManifest golden;

    @BeforeAll
    static void load() throws Exception {
        root = NDManager.newBaseManager();
        model = StableDiffusionModel.load(TestModels.tinySd(), root);
        golden = GoldenManifest.load(TestModels.golden());
    }

    @AfterAll
    static void close() {
        model.close();
        golden.close();
        root.close();
    }

    static double maxAbs(NDArray a, NDArray b) {
        assertEquals(b.getShape(), a.getShape());
        return a.sub(b).abs().max().getFloat();
    }

    static double tol(JsonObject c, String field) {
        return c.getAsJsonObject(field).get("recommended_atol").getAsDouble();
    }

    @Test
    void guidedSamplingMatchesDiffusers() throws Exception {
        JsonObject c = golden.find("e_ddim_sampling_cfg");
        try (NDManager run = root.newSubManager()) {
            NDArray cond = model.encodePrompt(c.get("prompt").getAsString(), run);
            NDArray uncond = model.encodePrompt(c.get("negative_prompt").getAsString(), run);
            assertTrue(maxAbs(cond, golden.tensor("out.sample_cond_embedding", run)) < 1e-4);
            NDArray zT = golden.tensor("in.sample_zT", run);
            List<StepInfo> seen = new ArrayList<>();
            NDArray[] firstEps = new NDArray[1];
            AtomicInteger progress = new AtomicInteger();
            LoopOptions o = LoopOptions.of(c.get("num_inference_steps").getAsInt())
                    .withGuidance(c.get("guidance_scale").getAsDouble())
                    .withProgress((phase, done, total) -> {
                        assertEquals("generation", phase);
                        progress.set(done);
                    })
                    .withHooks(HookSet.empty().attention("up_blocks.0.attentions.0.transformer_blocks.0.attn1",
                            call -> seen.add(call.step())))
                    .withObserver((step, eps, latent) -> {
                        if (step.index() == 0) {
                            firstEps[0] = eps.duplicate();
                            firstEps[0].attach(run);
                        }
                    });
            LoopResult r = model.sampler().sample(zT, cond, uncond, o, run);
            assertArrayEquals(new int[] {901, 801, 701, 601, 501, 401, 301, 201, 101, 1}, r.timesteps());
            assertEquals(10, progress.get());
            assertEquals(10, seen.size(), "the hook sees every UNet call");
            assertEquals(List.of("uncond", "cond"), seen.get(0).rows());
            assertEquals(StepInfo.Phase.GENERATION, seen.get(3).phase());
            assertEquals(601, seen.get(3).timestep());

            double eps = maxAbs(firstEps[0], golden.tensor("out.sample_first_guided_eps", run));
            assertTrue(eps <= tol(c, "first_guided_eps"), "first guided eps " + eps);
            double traj = maxAbs(r.stackedTrajectory(), golden.tensor("out.sample_trajectory", run));
            assertTrue(traj <= tol(c, "final_latent"), "trajectory " + traj);
            double fin = maxAbs(r.latent(), golden.tensor("out.sample_final_latent", run));
            assertTrue(fin <= tol(c, "final_latent"), "final latent " + fin);
            NDArray decoded = model.vae().decode(r.latent().div(model.vae().scalingFactor()));
            double dec = maxAbs(decoded, golden.tensor("out.sample_decoded", run));
            assertTrue(dec <= tol(c, "decoded"), "decoded " + dec);
        }
    }

    @Test
    void inversionMatchesDiffusers() throws Exception {
        JsonObject c = golden.find("f_ddim_inversion");
        try (NDManager run = root.newSubManager()) {
            NDArray ctx = model.encodePrompt(c.get("prompt").getAsString(), run);
            NDArray z0 = golden.tensor("out.vae_image_64x64_mean", run).mul(model.vae().scalingFactor());
            assertTrue(maxAbs(z0, golden.tensor("out.inv_z0", run)) < 1e-6);
            List<StepInfo> seen = new ArrayList<>();
            LoopOptions o = LoopOptions.of(c.get("num_inference_steps").getAsInt()).withHooks(HookSet.empty()
                    .attention("mid_block.attentions.0.transformer_blocks.0.attn1", call -> seen.add(call.step())));
            LoopResult inv = model.inverter().invert(z0, ctx, o, run);
            assertArrayEquals(new int[] {1, 101, 201, 301, 401, 501, 601, 701, 801, 901}, inv.timesteps());
            assertEquals(StepInfo.Phase.INVERSION, seen.get(0).phase());
            assertEquals(List.of("cond"), seen.get(0).rows());
            double traj = maxAbs(inv.stackedTrajectory(), golden.tensor("out.inv_trajectory", run));
            assertTrue(traj <= tol(c, "zT"), "inversion trajectory " + traj);
            double zT = maxAbs(inv.latent(), golden.tensor("out.inv_zT", run));
            assertTrue(zT <= tol(c, "zT"), "zT " + zT);
            LoopResult rec = model.sampler().sample(inv.latent(), ctx, null, LoopOptions.of(10).withGuidance(1.0),
                    run);
            double recon = maxAbs(rec.latent(), golden.tensor("out.inv_reconstructed_z0", run));
            assertTrue(recon <= tol(c, "reconstructed"), "reconstruction " + recon);
        }
    }

    @Test
    void latentProcessorsRunAfterEveryStepAndCancellationStops() throws Exception {
        try (NDManager run = root.newSubManager()) {
            NDArray cond = model.encodePrompt("a cat", run);
            NDArray zT = golden.tensor("in.sample_zT", run);
            AtomicInteger calls = new AtomicInteger();
            LoopOptions zeroing = LoopOptions.of(4).withGuidance(1.0).withHooks(HookSet.empty().latent(call -> {
                calls.incrementAndGet();
                call.setLatent(call.latent().zerosLike());
            }));
            LoopResult r = model.sampler().sample(zT, cond, null, zeroing, run);
            assertEquals(4, calls.get());
            assertEquals(0f, r.latent().abs().max().getFloat(), "the last replacement is the result");
            assertTrue(zT.abs().max().getFloat() > 0, "the caller's latent is untouched");

            CancellationToken token = new CancellationToken();
            LoopOptions cancelling = LoopOptions.of(5).withGuidance(1.0).withCancel(token)
                    .withProgress((phase, done, total) -> {
                        if (done == 2) {
                            token.cancel();
                        }
                    });
            TransferException e = assertThrows(TransferException.class,
                    () -> model.sampler().sample(zT, cond, null, cancelling, run));
            assertEquals(TransferException.Kind.CANCELLED, e.kind());
        }
    }
}
