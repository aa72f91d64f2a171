package atelier.runtime.scheduler;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import atelier.runtime.verify.GoldenManifest;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class DdimSchedulerTest {
    static GoldenManifest golden;
    static NDManager manager;

    static Path shared() {
        return Path.of(System.getProperty("atelier.shared", "../../../shared"));
    }

    @BeforeAll
    static void open() throws Exception {
        golden = GoldenManifest.load(shared().resolve("oracle/golden/tiny-sd/golden.json"));
        manager = NDManager.newBaseManager();
    }

    @AfterAll
    static void close() {
        manager.close();
        golden.close();
    }

    static double maxAbs(NDArray a, NDArray b) {
        return a.sub(b).abs().max().getFloat();
    }

    @Test
    void alphasCumprodMatchDiffusers() throws Exception {
        SchedulerConfig cfg = SchedulerConfig.load(shared().resolve("models/tiny-sd/scheduler"));
        float[] ours = new NoiseSchedule(cfg).alphasCumprod();
        float[] ref = golden.tensor("sched.alphas_cumprod", manager).toFloatArray();
        double worst = 0;
        for (int i = 0; i < ref.length; i++) {
            worst = Math.max(worst, Math.abs(ours[i] - ref[i]));
        }
        assertTrue(worst <= 1e-7, "alphas_cumprod max_abs " + worst);
        assertEquals(0.99915f, ours[0], 1e-6f);
    }

    @Test
    void timestepsMatchDiffusers() throws Exception {
        DdimScheduler s = new DdimScheduler(SchedulerConfig.sd15());
        assertArrayEquals(toInt(golden.tensor("sched.timesteps_50", manager).toLongArray()), s.timesteps(50));
        assertArrayEquals(toInt(golden.tensor("sched.timesteps_10", manager).toLongArray()), s.timesteps(10));
        // the other two spacings, values as diffusers 0.32 gives them
        DdimScheduler trailing = new DdimScheduler(SchedulerConfig.sd15()
                .withTimestepSpacing(SchedulerConfig.TimestepSpacing.TRAILING));
        assertArrayEquals(new int[] {999, 899, 799, 699, 599, 499, 399, 299, 199, 99}, trailing.timesteps(10));
        assertArrayEquals(new int[] {999, 666, 332}, trailing.timesteps(3));
        DdimScheduler linspace = new DdimScheduler(SchedulerConfig.sd15()
                .withTimestepSpacing(SchedulerConfig.TimestepSpacing.LINSPACE));
        assertArrayEquals(new int[] {999, 888, 777, 666, 555, 444, 333, 222, 111, 0}, linspace.timesteps(10));
        // numpy rounds half to even: linspace(0, 999, 4) = 0, 333, 666, 999; (0, 999, 3) = 0, 499.5 -> 500, 999
        assertArrayEquals(new int[] {999, 500, 0}, linspace.timesteps(3));
        assertThrows(IllegalArgumentException.class, () -> s.timesteps(0));
        assertThrows(IllegalArgumentException.class, () -> s.timesteps(1001));
    }

    @Test
    void stepsMatchDiffusers() throws Exception {
        DdimScheduler s = new DdimScheduler(SchedulerConfig.sd15());
        for (JsonObject c : golden.cases()) {
            String id = c.get("id").getAsString();
            if (!id.startsWith("e_ddim_step_")) {
                continue;
            }
            try (NDManager m = manager.newSubManager()) {
                NDArray sample = golden.tensor("in.ddim_step_sample", m);
                NDArray out = golden.tensor("in.ddim_step_model_output", m);
                int t = c.get("timestep").getAsInt();
                StepResult r = s.step(out, t, sample, c.get("num_inference_steps").getAsInt(),
                        c.get("eta").getAsDouble(), null);
                String stem = id.substring("e_ddim_".length());
                double tol = c.getAsJsonObject("prev_sample").get("recommended_atol").getAsDouble();
                double d1 = maxAbs(r.prevSample(), golden.tensor("out.ddim_" + stem + "_prev_sample", m));
                double d2 = maxAbs(r.predOriginalSample(),
                        golden.tensor("out.ddim_" + stem + "_pred_original_sample", m));
                assertTrue(d1 <= tol, id + " prev_sample max_abs " + d1 + " > " + tol);
                assertTrue(d2 <= tol, id + " pred_original_sample max_abs " + d2 + " > " + tol);
            }
        }
    }

    @Test
    void vPredictionAgreesWithEpsilon() {
        DdimScheduler eps = new DdimScheduler(SchedulerConfig.sd15());
        DdimScheduler v = new DdimScheduler(SchedulerConfig.sd15()
                .withPredictionType(SchedulerConfig.PredictionType.V_PREDICTION));
        try (NDManager m = manager.newSubManager()) {
            m.getEngine().setRandomSeed(3);
            NDArray x0 = m.randomNormal(new Shape(1, 4, 8, 8));
            NDArray noise = m.randomNormal(new Shape(1, 4, 8, 8));
            int t = 501;
            float a = eps.schedule().alphaCumprod(t);
            NDArray xt = eps.addNoise(x0, noise, t);
            NDArray vel = noise.mul((float) Math.sqrt(a)).sub(x0.mul((float) Math.sqrt(1 - a)));
            StepResult re = eps.step(noise, t, xt, 50, 0, null);
            StepResult rv = v.step(vel, t, xt, 50, 0, null);
            assertTrue(maxAbs(re.prevSample(), rv.prevSample()) < 1e-5);
            assertTrue(maxAbs(rv.predOriginalSample(), x0) < 1e-5);
            // inversion undoes a step when the prediction is consistent at the lower level, for both types
            float ap = eps.schedule().alphaCumprod(t - 20);
            NDArray lower = re.prevSample();
            NDArray upEps = new DdimInversion(eps).step(noise, t, lower, 50);
            NDArray vLower = noise.mul((float) Math.sqrt(ap)).sub(x0.mul((float) Math.sqrt(1 - ap)));
            NDArray upV = new DdimInversion(v).step(vLower, t, lower, 50);
            assertTrue(maxAbs(upEps, xt) < 1e-4, "epsilon inversion undoes the step: " + maxAbs(upEps, xt));
            assertTrue(maxAbs(upV, xt) < 1e-4, "v inversion undoes the step: " + maxAbs(upV, xt));
        }
    }

    @Test
    void etaAddsScaledNoise() {
        DdimScheduler s = new DdimScheduler(SchedulerConfig.sd15());
        try (NDManager m = manager.newSubManager()) {
            NDArray x = m.randomNormal(new Shape(1, 4, 4, 4));
            NDArray e = m.randomNormal(new Shape(1, 4, 4, 4));
            NDArray n = m.randomNormal(new Shape(1, 4, 4, 4));
            int t = 501;
            int prev = 481;
            double at = s.schedule().alphaCumprod(t);
            double ap = s.schedule().alphaCumprod(prev);
            double eta = 0.7;
            double sigma = eta * Math.sqrt((1 - ap) / (1 - at)) * Math.sqrt(1 - at / ap);
            NDArray x0 = x.sub(e.mul((float) Math.sqrt(1 - at))).div((float) Math.sqrt(at));
            NDArray expected = x0.mul((float) Math.sqrt(ap)).add(e.mul((float) Math.sqrt(1 - ap - sigma * sigma)))
                    .add(n.mul((float) sigma));
            StepResult r = s.step(e, t, x, 50, eta, n);
            assertTrue(maxAbs(r.prevSample(), expected) < 1e-5);
        }
    }

    @Test
    void refusesUnsupportedSettingsNamingTheField() {
        String base = "{\"beta_schedule\":\"scaled_linear\",\"beta_start\":0.00085,\"beta_end\":0.012,";
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SchedulerConfig.fromJson(
                JsonParser.parseString(base + "\"prediction_type\":\"sample\"}").getAsJsonObject(), "test"));
        assertTrue(e.getMessage().contains("prediction_type"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> SchedulerConfig.fromJson(
                JsonParser.parseString(base + "\"rescale_betas_zero_snr\":true}").getAsJsonObject(), "test"));
        assertTrue(e.getMessage().contains("rescale_betas_zero_snr"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> SchedulerConfig.fromJson(
                JsonParser.parseString("{\"beta_schedule\":\"squaredcos_cap_v2\"}").getAsJsonObject(), "test"));
        assertTrue(e.getMessage().contains("beta_schedule"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> SchedulerConfig.fromJson(
                JsonParser.parseString(base + "\"timestep_spacing\":\"karras\"}").getAsJsonObject(), "test"));
        assertTrue(e.getMessage().contains("timestep_spacing"), e.getMessage());
        SchedulerConfig linear = SchedulerConfig.fromJson(JsonParser.parseString(
                "{\"beta_schedule\":\"linear\",\"trained_betas\":null,\"set_alpha_to_one\":true}").getAsJsonObject(),
                "test");
        assertEquals(1.0f, new DdimScheduler(linear).finalAlphaCumprod());
    }

    private static int[] toInt(long[] a) {
        int[] out = new int[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = Math.toIntExact(a[i]);
        }
        return out;
    }
}
