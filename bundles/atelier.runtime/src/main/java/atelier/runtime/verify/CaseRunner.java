package atelier.runtime.verify;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import atelier.api.hooks.HookSet;
import atelier.runtime.injection.StyleFeatureSource;
import atelier.runtime.injection.StyleFeatures;
import atelier.runtime.injection.StyleInjectionProcessor;
import atelier.runtime.scheduler.DdimScheduler;
import atelier.runtime.scheduler.SchedulerConfig;
import atelier.runtime.scheduler.StepResult;
import atelier.runtime.sd.Inverter;
import atelier.runtime.sd.LoopOptions;
import atelier.runtime.sd.LoopResult;
import atelier.runtime.sd.Sampler;
import atelier.runtime.taesd.AutoencoderTiny;
import atelier.runtime.vae.AutoencoderKL;

import com.google.gson.JsonObject;

/** Runs the cases of one manifest; networks load on first use and are freed by {@link #close()}. */
final class CaseRunner implements AutoCloseable {
    private final GoldenManifest manifest;
    private final NDManager root;
    private final ModelParts parts;

    CaseRunner(GoldenManifest manifest, Path model, NDManager root) {
        this.manifest = manifest;
        this.root = root;
        this.parts = new ModelParts(manifest, model, root);
    }

    @Override
    public void close() {
        parts.close();
    }

    CaseResult run(String id, JsonObject c) {
        try (NDManager m = root.newSubManager()) {
            List<Check> checks = new ArrayList<>();
            if (id.startsWith("a_")) {
                tokenizerCase(c, checks, m);
            } else if (id.startsWith("b_")) {
                textCase(c, checks, m);
            } else if (id.startsWith("c_")) {
                unetCase(c, checks, m);
            } else if (id.startsWith("d_")) {
                vaeCase(c, checks, m);
            } else if (id.startsWith("e_") && id.contains("tables")) {
                tablesCase(c, checks, m);
            } else if (id.startsWith("e_") && c.has("timestep") && !c.has("guidance_scale")) {
                stepCase(id, c, checks, m);
            } else if (id.startsWith("e_")) {
                samplingCase(c, checks, m);
            } else if (id.startsWith("f_")) {
                inversionCase(c, checks, m);
            } else if (id.startsWith("g_")) {
                injectionCase(c, checks, m);
            } else if (id.startsWith("taef") || id.startsWith("taesd")) {
                tinyCase(id, c, checks, m);
            } else {
                return CaseResult.failed(id, "no runner for this kind of case (known prefixes: a_ b_ c_ d_ e_ f_ g_"
                        + " taef taesd)");
            }
            return new CaseResult(id, checks, null);
        } catch (Exception | StackOverflowError | OutOfMemoryError e) {
            String msg = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
            return CaseResult.failed(id, msg);
        }
    }

    // ---------------------------------------------------------------- cases

    private void tokenizerCase(JsonObject c, List<Check> checks, NDManager m) throws IOException {
        List<String> prompts = CaseJson.strings(c, "prompts");
        String out = CaseJson.outputs(c).get(0);
        long[] expected = manifest.tensor(out, m).toLongArray();
        long[][] ours = parts.tokenizer().encodeBatch(prompts);
        int width = expected.length / prompts.size();
        double worst = 0;
        for (int p = 0; p < prompts.size(); p++) {
            if (ours[p].length != width) {
                throw new IllegalStateException("prompt " + p + " gave " + ours[p].length + " ids, expected " + width);
            }
            for (int i = 0; i < width; i++) {
                worst = Math.max(worst, Math.abs(ours[p][i] - expected[p * width + i]));
            }
        }
        checks.add(new Check(out, worst, 0));
    }

    private void textCase(JsonObject c, List<Check> checks, NDManager m) throws IOException {
        NDArray ids = manifest.tensor(CaseJson.inputs(c).get(0), m);
        var enc = parts.text().encode(ids);
        double hiddenTol = Tolerances.of(c, "out.last_hidden_state", Tolerances.DEFAULT);
        for (String out : CaseJson.outputs(c)) {
            NDArray ours = out.contains("pooled") ? enc.pooled() : enc.lastHiddenState();
            checks.add(CaseJson.compare(out, ours, manifest.tensor(out, m), Tolerances.of(c, out, hiddenTol)));
        }
    }

    private void unetCase(JsonObject c, List<Check> checks, NDManager m) throws IOException {
        NDArray sample = manifest.tensor(CaseJson.input(c, "_sample", 0), m);
        NDArray timestep = manifest.tensor(CaseJson.input(c, "_timestep", 1), m);
        NDArray context = manifest.tensor(CaseJson.input(c, "_context", 2), m);
        NDArray ours = parts.unet().forward(sample, timestep, context);
        String out = CaseJson.outputs(c).get(0);
        checks.add(CaseJson.compare(out, ours, manifest.tensor(out, m), Tolerances.of(c, out, Tolerances.DEFAULT)));
    }

    private void vaeCase(JsonObject c, List<Check> checks, NDManager m) throws IOException {
        NDArray image = manifest.tensor(CaseJson.inputs(c).get(0), m);
        AutoencoderKL.Posterior post = parts.vae().encode(image);
        NDArray decoded = null;
        for (String out : CaseJson.outputs(c)) {
            NDArray ours;
            if (out.endsWith("_mean")) {
                ours = post.mean();
            } else if (out.endsWith("_std")) {
                ours = post.std();
            } else if (out.endsWith("_decoded")) {
                decoded = decoded != null ? decoded : parts.vae().decode(post.mean());
                ours = decoded;
            } else {
                throw new IllegalStateException("unknown VAE output " + out);
            }
            checks.add(CaseJson.compare(out, ours, manifest.tensor(out, m), Tolerances.of(c, out, Tolerances.DEFAULT)));
        }
    }

    private void tablesCase(JsonObject c, List<Check> checks, NDManager m) throws IOException {
        DdimScheduler s = new DdimScheduler(parts.schedulerConfig());
        for (String out : CaseJson.outputs(c)) {
            NDArray ref = manifest.tensor(out, m);
            if (out.endsWith("alphas_cumprod")) {
                float[] ours = s.schedule().alphasCumprod();
                checks.add(CaseJson.compare(out, m.create(ours), ref, Tolerances.of(c, out, Tolerances.SCHEDULER)));
            } else if (out.matches(".*timesteps_\\d+")) {
                int n = Integer.parseInt(out.substring(out.lastIndexOf('_') + 1));
                int[] ours = s.timesteps(n);
                long[] expected = ref.toLongArray();
                checks.add(new Check(out, CaseJson.intDiff(ours, expected), 0));
            } else {
                throw new IllegalStateException("unknown scheduler table " + out);
            }
        }
    }

    private void stepCase(String id, JsonObject c, List<Check> checks, NDManager m) throws IOException {
        SchedulerConfig cfg = parts.schedulerConfig();
        if (c.has("prediction_type")) {
            cfg = cfg.withPredictionType(c.get("prediction_type").getAsString().equals("v_prediction")
                    ? SchedulerConfig.PredictionType.V_PREDICTION : SchedulerConfig.PredictionType.EPSILON);
        }
        DdimScheduler s = new DdimScheduler(cfg);
        NDArray sample = manifest.tensor(CaseJson.input(c, "_sample", 0), m);
        NDArray output = manifest.tensor(CaseJson.input(c, "_model_output", 1), m);
        int steps = c.get("num_inference_steps").getAsInt();
        int t = c.get("timestep").getAsInt();
        if (c.has("prev_timestep") && t - s.stride(steps) != c.get("prev_timestep").getAsInt()) {
            throw new IllegalStateException("previous timestep " + (t - s.stride(steps)) + " differs from the"
                    + " manifest's " + c.get("prev_timestep").getAsInt());
        }
        double eta = c.has("eta") ? c.get("eta").getAsDouble() : 0.0;
        if (eta != 0) {
            throw new IllegalStateException("eta " + eta + " needs the reference noise, which the manifest lacks");
        }
        StepResult r = s.step(output, t, sample, steps, eta, null);
        double dflt = Tolerances.of(c, "out.prev_sample", Tolerances.SCHEDULER);
        for (String out : CaseJson.outputs(c)) {
            NDArray ours = out.endsWith("pred_original_sample") ? r.predOriginalSample() : r.prevSample();
            checks.add(CaseJson.compare(out, ours, manifest.tensor(out, m), Tolerances.of(c, out, dflt)));
        }
    }

    private void samplingCase(JsonObject c, List<Check> checks, NDManager m) throws Exception {
        int steps = c.get("num_inference_steps").getAsInt();
        double guidance = c.has("guidance_scale") ? c.get("guidance_scale").getAsDouble() : 1.0;
        NDArray cond = encode(c.get("prompt").getAsString(), m);
        NDArray uncond = encode(c.has("negative_prompt") ? c.get("negative_prompt").getAsString() : "", m);
        NDArray zT = manifest.tensor(CaseJson.inputs(c).get(0), m);
        Sampler sampler = new Sampler(parts.unet(), new DdimScheduler(parts.schedulerConfig()));
        FirstOutput first = new FirstOutput(m);
        LoopResult r = sampler.sample(zT, cond, uncond, LoopOptions.of(steps).withGuidance(guidance)
                .withObserver(first), m);
        CaseJson.checkTimesteps(c, "timesteps", r.timesteps(), checks);
        double finalTol = Tolerances.of(c, "out.final_latent", Tolerances.DEFAULT);
        NDArray decoded = null;
        for (String out : CaseJson.outputs(c)) {
            NDArray ours;
            double dflt = Tolerances.DEFAULT;
            if (out.endsWith("uncond_embedding")) {
                ours = uncond;
                dflt = textTolerance();
            } else if (out.endsWith("cond_embedding")) {
                ours = cond;
                dflt = textTolerance();
            } else if (out.endsWith("first_guided_eps")) {
                ours = first.value;
            } else if (out.endsWith("trajectory")) {
                ours = r.stackedTrajectory();
                dflt = finalTol;
            } else if (out.endsWith("final_latent")) {
                ours = r.latent();
            } else if (out.endsWith("decoded")) {
                decoded = decoded != null ? decoded : decode(c, r.latent());
                ours = decoded;
            } else {
                throw new IllegalStateException("unknown sampling output " + out);
            }
            checks.add(CaseJson.compare(out, ours, manifest.tensor(out, m), Tolerances.of(c, out, dflt)));
        }
    }

    private void inversionCase(JsonObject c, List<Check> checks, NDManager m) throws Exception {
        int steps = c.get("num_inference_steps").getAsInt();
        double guidance = c.has("guidance_scale") ? c.get("guidance_scale").getAsDouble() : 1.0;
        NDArray context = encode(c.has("prompt") ? c.get("prompt").getAsString() : "", m);
        NDArray z0 = manifest.tensor(CaseJson.inputs(c).get(0), m).mul(scalingFactor(c));
        DdimScheduler scheduler = new DdimScheduler(parts.schedulerConfig());
        LoopResult inv = new Inverter(parts.unet(), scheduler).invert(z0, context, LoopOptions.of(steps), m);
        CaseJson.checkTimesteps(c, "inversion_timesteps", inv.timesteps(), checks);
        LoopResult rec = new Sampler(parts.unet(), scheduler).sample(inv.latent(), context,
                guidance > 1 ? encode("", m) : null, LoopOptions.of(steps).withGuidance(guidance)
                        .withTrajectory(false), m);
        double zTol = Tolerances.of(c, "out.zT", Tolerances.DEFAULT);
        for (String out : CaseJson.outputs(c)) {
            NDArray ours;
            double dflt = Tolerances.DEFAULT;
            if (out.endsWith("_z0") && out.contains("reconstructed")) {
                ours = rec.latent();
            } else if (out.endsWith("_z0")) {
                ours = z0;
                dflt = Tolerances.SCHEDULER;
            } else if (out.endsWith("trajectory")) {
                ours = inv.stackedTrajectory();
                dflt = zTol;
            } else if (out.endsWith("zT")) {
                ours = inv.latent();
            } else {
                throw new IllegalStateException("unknown inversion output " + out);
            }
            checks.add(CaseJson.compare(out, ours, manifest.tensor(out, m), Tolerances.of(c, out, dflt)));
        }
    }

    private void injectionCase(JsonObject c, List<Check> checks, NDManager m) throws Exception {
        int steps = c.get("num_inference_steps").getAsInt();
        double guidance = c.has("guidance_scale") ? c.get("guidance_scale").getAsDouble() : 1.0;
        double gamma = c.get("query_preservation_gamma").getAsDouble();
        double tau = c.get("temperature").getAsDouble();
        List<String> layers = CaseJson.strings(c, "injected_layers");
        NDArray cond = encode(c.get("prompt").getAsString(), m);
        NDArray uncond = encode(c.has("negative_prompt") ? c.get("negative_prompt").getAsString() : "", m);
        NDArray contentZ = manifest.tensor(CaseJson.inputs(c).get(0), m);
        NDArray styleZ = manifest.tensor(CaseJson.inputs(c).get(1), m);
        Sampler sampler = new Sampler(parts.unet(), new DdimScheduler(parts.schedulerConfig()));
        LoopOptions base = LoopOptions.of(steps).withGuidance(guidance);
        try (FeatureBank content = new FeatureBank(m); FeatureBank style = new FeatureBank(m)) {
            HookSet captureQ = HookSet.empty();
            HookSet captureKv = HookSet.empty();
            HookSet inject = HookSet.empty();
            ProjectionRecorder q = new ProjectionRecorder(content, Set.of("q"));
            ProjectionRecorder kv = new ProjectionRecorder(style, Set.of("k", "v"));
            // the real StyleID rule (the styleid strategy uses the same class), fed from the recorded runs;
            // rows are matched by label (uncond with uncond, cond with cond), steps without records run unchanged
            StyleFeatureSource recorded = call -> {
                String path = call.path();
                int i = call.step().index();
                if (!content.has(path, "q", i) || !style.has(path, "k", i) || !style.has(path, "v", i)) {
                    return null;
                }
                List<String> rows = call.step().rows();
                return new StyleFeatures(content.get(path, "q", i, rows, call.manager()),
                        style.get(path, "k", i, rows, call.manager()), style.get(path, "v", i, rows, call.manager()));
            };
            StyleInjectionProcessor injection = new StyleInjectionProcessor(gamma, tau, recorded, Set.of());
            for (String layer : layers) {
                captureQ.attention(layer, q);
                captureKv.attention(layer, kv);
                inject.attention(layer, injection);
            }
            LoopResult contentRun = sampler.sample(contentZ, cond, uncond, base.withHooks(captureQ)
                    .withTrajectory(false), m);
            LoopResult styleRun = sampler.sample(styleZ, cond, uncond, base.withHooks(captureKv)
                    .withTrajectory(false), m);
            if (content.size() != layers.size() * steps || style.size() != 2 * layers.size() * steps) {
                throw new IllegalStateException("recorded " + content.size() + " Q and " + style.size()
                        + " K/V tensors, expected " + layers.size() * steps + " and " + 2 * layers.size() * steps
                        + ": are the injected layers self-attention modules?");
            }
            FirstOutput first = new FirstOutput(m);
            LoopResult injected = sampler.sample(contentZ, cond, uncond, base.withHooks(inject).withObserver(first),
                    m);
            double finalTol = Tolerances.of(c, "out.final_latent", Tolerances.DEFAULT);
            for (String out : CaseJson.outputs(c)) {
                NDArray ours;
                double dflt = Tolerances.DEFAULT;
                if (out.endsWith("style_final_latent")) {
                    ours = styleRun.latent();
                } else if (out.endsWith("content_final_latent")) {
                    ours = contentRun.latent();
                } else if (out.endsWith("first_guided_eps")) {
                    ours = first.value;
                } else if (out.endsWith("trajectory")) {
                    ours = injected.stackedTrajectory();
                    dflt = finalTol;
                } else if (out.endsWith("final_latent")) {
                    ours = injected.latent();
                } else if (out.endsWith("decoded")) {
                    ours = decode(c, injected.latent());
                } else {
                    throw new IllegalStateException("unknown injection output " + out);
                }
                checks.add(CaseJson.compare(out, ours, manifest.tensor(out, m), Tolerances.of(c, out, dflt)));
            }
        }
    }

    private void tinyCase(String id, JsonObject c, List<Check> checks, NDManager m) throws IOException {
        AutoencoderTiny ae = parts.tiny(parts.weightsFor(id, c));
        NDArray in = manifest.tensor(CaseJson.inputs(c).get(0), m);
        NDArray ours;
        if (id.endsWith("_encode")) {
            ours = ae.encode(in);
        } else if (id.endsWith("_decode")) {
            ours = ae.decode(in);
        } else {
            throw new IllegalStateException("a TAESD case id must end in _encode or _decode");
        }
        String out = CaseJson.outputs(c).get(0);
        checks.add(CaseJson.compare(out, ours, manifest.tensor(out, m), Tolerances.of(c, out, Tolerances.DEFAULT)));
    }

    // ---------------------------------------------------------------- helpers

    /** Keeps a copy of the model output of step 0. */
    private static final class FirstOutput implements atelier.runtime.sd.StepObserver {
        private final NDManager keep;
        NDArray value;

        FirstOutput(NDManager keep) {
            this.keep = keep;
        }

        @Override
        public void onStep(atelier.api.hooks.StepInfo step, NDArray modelOutput, NDArray latent) {
            if (step.index() == 0) {
                value = modelOutput.duplicate();
                value.attach(keep);
            }
        }
    }

    private NDArray encode(String prompt, NDManager m) {
        long[] ids = parts.tokenizer().encode(prompt);
        NDArray idArray = m.create(ids, new Shape(1, ids.length));
        return parts.text().encode(idArray).lastHiddenState();
    }

    private float scalingFactor(JsonObject c) {
        return c.has("scaling_factor") ? c.get("scaling_factor").getAsFloat() : parts.vae().scalingFactor();
    }

    private NDArray decode(JsonObject c, NDArray latent) {
        return parts.vae().decode(latent.div(scalingFactor(c)));
    }

    private double textTolerance() {
        JsonObject b = null;
        for (JsonObject c : manifest.cases()) {
            if (c.has("id") && c.get("id").getAsString().startsWith("b_")) {
                b = c;
            }
        }
        return b == null ? Tolerances.DEFAULT : Tolerances.of(b, "out.last_hidden_state", Tolerances.DEFAULT);
    }
}
