package atelier.runtime.verify;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import atelier.api.hooks.HookSet;
import atelier.runtime.scheduler.DdimScheduler;
import atelier.runtime.scheduler.SchedulerConfig;
import atelier.runtime.scheduler.StepResult;
import atelier.runtime.sd.Inverter;
import atelier.runtime.sd.LoopOptions;
import atelier.runtime.sd.LoopResult;
import atelier.runtime.sd.Sampler;
import atelier.runtime.taesd.AutoencoderTiny;
import atelier.runtime.text.ClipTextModel;
import atelier.runtime.text.ClipTokenizer;
import atelier.runtime.unet.UNet2DConditionModel;
import atelier.runtime.vae.AutoencoderKL;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

/** Runs the cases of one manifest; networks load on first use and are freed by {@link #close()}. */
final class CaseRunner implements AutoCloseable {
    private final GoldenManifest manifest;
    private final Path model;
    private final NDManager models;
    private final NDManager root;
    private ClipTokenizer tokenizer;
    private ClipTextModel text;
    private UNet2DConditionModel unet;
    private AutoencoderKL vae;
    private SchedulerConfig schedulerConfig;
    private final Map<Path, AutoencoderTiny> tiny = new HashMap<>();

    CaseRunner(GoldenManifest manifest, Path model, NDManager root) {
        this.manifest = manifest;
        this.model = model;
        this.root = root;
        this.models = root.newSubManager();
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
        List<String> prompts = strings(c, "prompts");
        String out = outputs(c).get(0);
        long[] expected = manifest.tensor(out, m).toLongArray();
        long[][] ours = tokenizer().encodeBatch(prompts);
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
        NDArray ids = manifest.tensor(inputs(c).get(0), m);
        var enc = text().encode(ids);
        double hiddenTol = Tolerances.of(c, "out.last_hidden_state", Tolerances.DEFAULT);
        for (String out : outputs(c)) {
            NDArray ours = out.contains("pooled") ? enc.pooled() : enc.lastHiddenState();
            checks.add(compare(out, ours, manifest.tensor(out, m), Tolerances.of(c, out, hiddenTol)));
        }
    }

    private void unetCase(JsonObject c, List<Check> checks, NDManager m) throws IOException {
        NDArray sample = manifest.tensor(input(c, "_sample", 0), m);
        NDArray timestep = manifest.tensor(input(c, "_timestep", 1), m);
        NDArray context = manifest.tensor(input(c, "_context", 2), m);
        NDArray ours = unet().forward(sample, timestep, context);
        String out = outputs(c).get(0);
        checks.add(compare(out, ours, manifest.tensor(out, m), Tolerances.of(c, out, Tolerances.DEFAULT)));
    }

    private void vaeCase(JsonObject c, List<Check> checks, NDManager m) throws IOException {
        NDArray image = manifest.tensor(inputs(c).get(0), m);
        AutoencoderKL.Posterior post = vae().encode(image);
        NDArray decoded = null;
        for (String out : outputs(c)) {
            NDArray ours;
            if (out.endsWith("_mean")) {
                ours = post.mean();
            } else if (out.endsWith("_std")) {
                ours = post.std();
            } else if (out.endsWith("_decoded")) {
                decoded = decoded != null ? decoded : vae().decode(post.mean());
                ours = decoded;
            } else {
                throw new IllegalStateException("unknown VAE output " + out);
            }
            checks.add(compare(out, ours, manifest.tensor(out, m), Tolerances.of(c, out, Tolerances.DEFAULT)));
        }
    }

    private void tablesCase(JsonObject c, List<Check> checks, NDManager m) throws IOException {
        DdimScheduler s = new DdimScheduler(schedulerConfig());
        for (String out : outputs(c)) {
            NDArray ref = manifest.tensor(out, m);
            if (out.endsWith("alphas_cumprod")) {
                float[] ours = s.schedule().alphasCumprod();
                checks.add(compare(out, m.create(ours), ref, Tolerances.of(c, out, Tolerances.SCHEDULER)));
            } else if (out.matches(".*timesteps_\\d+")) {
                int n = Integer.parseInt(out.substring(out.lastIndexOf('_') + 1));
                int[] ours = s.timesteps(n);
                long[] expected = ref.toLongArray();
                checks.add(new Check(out, intDiff(ours, expected), 0));
            } else {
                throw new IllegalStateException("unknown scheduler table " + out);
            }
        }
    }

    private void stepCase(String id, JsonObject c, List<Check> checks, NDManager m) throws IOException {
        SchedulerConfig cfg = schedulerConfig();
        if (c.has("prediction_type")) {
            cfg = cfg.withPredictionType(c.get("prediction_type").getAsString().equals("v_prediction")
                    ? SchedulerConfig.PredictionType.V_PREDICTION : SchedulerConfig.PredictionType.EPSILON);
        }
        DdimScheduler s = new DdimScheduler(cfg);
        NDArray sample = manifest.tensor(input(c, "_sample", 0), m);
        NDArray output = manifest.tensor(input(c, "_model_output", 1), m);
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
        for (String out : outputs(c)) {
            NDArray ours = out.endsWith("pred_original_sample") ? r.predOriginalSample() : r.prevSample();
            checks.add(compare(out, ours, manifest.tensor(out, m), Tolerances.of(c, out, dflt)));
        }
    }

    private void samplingCase(JsonObject c, List<Check> checks, NDManager m) throws Exception {
        int steps = c.get("num_inference_steps").getAsInt();
        double guidance = c.has("guidance_scale") ? c.get("guidance_scale").getAsDouble() : 1.0;
        NDArray cond = encode(c.get("prompt").getAsString(), m);
        NDArray uncond = encode(c.has("negative_prompt") ? c.get("negative_prompt").getAsString() : "", m);
        NDArray zT = manifest.tensor(inputs(c).get(0), m);
        Sampler sampler = new Sampler(unet(), new DdimScheduler(schedulerConfig()));
        FirstOutput first = new FirstOutput(m);
        LoopResult r = sampler.sample(zT, cond, uncond, LoopOptions.of(steps).withGuidance(guidance)
                .withObserver(first), m);
        checkTimesteps(c, "timesteps", r.timesteps(), checks);
        double finalTol = Tolerances.of(c, "out.final_latent", Tolerances.DEFAULT);
        NDArray decoded = null;
        for (String out : outputs(c)) {
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
            checks.add(compare(out, ours, manifest.tensor(out, m), Tolerances.of(c, out, dflt)));
        }
    }

    private void inversionCase(JsonObject c, List<Check> checks, NDManager m) throws Exception {
        int steps = c.get("num_inference_steps").getAsInt();
        double guidance = c.has("guidance_scale") ? c.get("guidance_scale").getAsDouble() : 1.0;
        NDArray context = encode(c.has("prompt") ? c.get("prompt").getAsString() : "", m);
        NDArray z0 = manifest.tensor(inputs(c).get(0), m).mul(scalingFactor(c));
        DdimScheduler scheduler = new DdimScheduler(schedulerConfig());
        LoopResult inv = new Inverter(unet(), scheduler).invert(z0, context, LoopOptions.of(steps), m);
        checkTimesteps(c, "inversion_timesteps", inv.timesteps(), checks);
        LoopResult rec = new Sampler(unet(), scheduler).sample(inv.latent(), context,
                guidance > 1 ? encode("", m) : null, LoopOptions.of(steps).withGuidance(guidance)
                        .withTrajectory(false), m);
        double zTol = Tolerances.of(c, "out.zT", Tolerances.DEFAULT);
        for (String out : outputs(c)) {
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
            checks.add(compare(out, ours, manifest.tensor(out, m), Tolerances.of(c, out, dflt)));
        }
    }

    private void injectionCase(JsonObject c, List<Check> checks, NDManager m) throws Exception {
        int steps = c.get("num_inference_steps").getAsInt();
        double guidance = c.has("guidance_scale") ? c.get("guidance_scale").getAsDouble() : 1.0;
        double gamma = c.get("query_preservation_gamma").getAsDouble();
        double tau = c.get("temperature").getAsDouble();
        List<String> layers = strings(c, "injected_layers");
        NDArray cond = encode(c.get("prompt").getAsString(), m);
        NDArray uncond = encode(c.has("negative_prompt") ? c.get("negative_prompt").getAsString() : "", m);
        NDArray contentZ = manifest.tensor(inputs(c).get(0), m);
        NDArray styleZ = manifest.tensor(inputs(c).get(1), m);
        Sampler sampler = new Sampler(unet(), new DdimScheduler(schedulerConfig()));
        LoopOptions base = LoopOptions.of(steps).withGuidance(guidance);
        try (FeatureBank content = new FeatureBank(m); FeatureBank style = new FeatureBank(m)) {
            HookSet captureQ = HookSet.empty();
            HookSet captureKv = HookSet.empty();
            HookSet inject = HookSet.empty();
            ProjectionRecorder q = new ProjectionRecorder(content, Set.of("q"));
            ProjectionRecorder kv = new ProjectionRecorder(style, Set.of("k", "v"));
            KvInjectionProcessor injection = new KvInjectionProcessor(content, style, gamma, tau);
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
            for (String out : outputs(c)) {
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
                checks.add(compare(out, ours, manifest.tensor(out, m), Tolerances.of(c, out, dflt)));
            }
        }
    }

    private void tinyCase(String id, JsonObject c, List<Check> checks, NDManager m) throws IOException {
        AutoencoderTiny ae = tiny(weightsFor(id, c));
        NDArray in = manifest.tensor(inputs(c).get(0), m);
        NDArray ours;
        if (id.endsWith("_encode")) {
            ours = ae.encode(in);
        } else if (id.endsWith("_decode")) {
            ours = ae.decode(in);
        } else {
            throw new IllegalStateException("a TAESD case id must end in _encode or _decode");
        }
        String out = outputs(c).get(0);
        checks.add(compare(out, ours, manifest.tensor(out, m), Tolerances.of(c, out, Tolerances.DEFAULT)));
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
        long[] ids = tokenizer().encode(prompt);
        NDArray idArray = m.create(ids, new Shape(1, ids.length));
        return text().encode(idArray).lastHiddenState();
    }

    private float scalingFactor(JsonObject c) {
        return c.has("scaling_factor") ? c.get("scaling_factor").getAsFloat() : vae().scalingFactor();
    }

    private NDArray decode(JsonObject c, NDArray latent) {
        return vae().decode(latent.div(scalingFactor(c)));
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

    private static void checkTimesteps(JsonObject c, String field, int[] ours, List<Check> checks) {
        if (!c.has(field)) {
            return;
        }
        JsonArray a = c.getAsJsonArray(field);
        long[] expected = new long[a.size()];
        for (int i = 0; i < expected.length; i++) {
            expected[i] = a.get(i).getAsLong();
        }
        checks.add(new Check(field, intDiff(ours, expected), 0));
    }

    private static double intDiff(int[] ours, long[] expected) {
        if (ours.length != expected.length) {
            return Double.NaN;
        }
        double worst = 0;
        for (int i = 0; i < ours.length; i++) {
            worst = Math.max(worst, Math.abs(ours[i] - expected[i]));
        }
        return worst;
    }

    static Check compare(String name, NDArray ours, NDArray expected, double tol) {
        if (!ours.getShape().equals(expected.getShape())) {
            throw new IllegalStateException(name + ": shape " + ours.getShape() + " but the reference is "
                    + expected.getShape());
        }
        NDArray a = ours.toType(DataType.FLOAT64, true);
        NDArray b = expected.toType(DataType.FLOAT64, true);
        double d = a.sub(b).abs().max().getDouble();
        boolean nonFinite = a.isInfinite().any().getBoolean() || a.isNaN().any().getBoolean();
        return new Check(name, nonFinite ? Double.NaN : d, tol);
    }

    private static List<String> outputs(JsonObject c) { return strings(c, "outputs"); }

    private static List<String> inputs(JsonObject c) { return strings(c, "inputs"); }

    /** The input ending in {@code suffix}, else the one at {@code index}. */
    private static String input(JsonObject c, String suffix, int index) {
        List<String> in = inputs(c);
        for (String s : in) {
            if (s.endsWith(suffix)) {
                return s;
            }
        }
        if (index >= in.size()) {
            throw new IllegalStateException("case has no input " + suffix);
        }
        return in.get(index);
    }

    private static List<String> strings(JsonObject c, String field) {
        JsonElement e = c.get(field);
        if (e == null || !e.isJsonArray()) {
            throw new IllegalStateException("case has no \"" + field + "\" list");
        }
        List<String> out = new ArrayList<>();
        e.getAsJsonArray().forEach(x -> out.add(x.getAsString()));
        return out;
    }

    /** The TAESD weights of a case: its own {@code weights}, a sibling case's, or the model folder's. */
    private Path weightsFor(String id, JsonObject c) {
        String stem = id.replaceAll("_(encode|decode)$", "");
        JsonObject source = c.has("weights") ? c : null;
        if (source == null) {
            for (JsonObject o : manifest.cases()) {
                if (o.has("weights") && o.has("id") && o.get("id").getAsString().startsWith(stem + "_")) {
                    source = o;
                    break;
                }
            }
        }
        if (source != null) {
            String w = source.get("weights").getAsString().trim();
            int cut = w.indexOf(" (");
            Path p = manifest.dir().resolve(cut > 0 ? w.substring(0, cut) : w).normalize();
            if (Files.exists(p)) {
                return p;
            }
            if (model != null) {
                Path inModels = model.resolve(p.getParent().getFileName()).resolve(p.getFileName());
                if (Files.exists(inModels)) {
                    return inModels;
                }
            }
            throw new IllegalStateException("TAESD weights not found: " + p);
        }
        if (model != null) {
            Path guess = model.resolve(stem.replace('_', '-'));
            return Files.exists(guess) ? guess : model;
        }
        throw new IllegalStateException("the case names no weights and no model folder was given");
    }

    // ---------------------------------------------------------------- lazy components

    private Path modelPart(String sub) {
        if (model == null) {
            throw new IllegalStateException("no model folder given (and the manifest names none)");
        }
        Path p = model.resolve(sub);
        if (!Files.isDirectory(p)) {
            throw new IllegalStateException("model folder " + model + " has no " + sub + "/");
        }
        return p;
    }

    private ClipTokenizer tokenizer() {
        if (tokenizer == null) {
            tokenizer = ClipTokenizer.load(modelPart("tokenizer"));
        }
        return tokenizer;
    }

    private ClipTextModel text() {
        if (text == null) {
            text = ClipTextModel.load(modelPart("text_encoder"), models);
        }
        return text;
    }

    private UNet2DConditionModel unet() throws IOException {
        if (unet == null) {
            unet = UNet2DConditionModel.load(modelPart("unet"), models);
        }
        return unet;
    }

    private AutoencoderKL vae() {
        if (vae == null) {
            try {
                vae = AutoencoderKL.load(modelPart("vae"), models);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        return vae;
    }

    private AutoencoderTiny tiny(Path weights) throws IOException {
        AutoencoderTiny t = tiny.get(weights);
        if (t == null) {
            t = AutoencoderTiny.load(weights, models);
            tiny.put(weights, t);
        }
        return t;
    }

    /** The scheduler the reference used (the tables case records it), else the model's. */
    private SchedulerConfig schedulerConfig() throws IOException {
        if (schedulerConfig == null) {
            for (JsonObject c : manifest.cases()) {
                if (c.has("scheduler_config") && c.get("scheduler_config").isJsonObject()) {
                    schedulerConfig = SchedulerConfig.fromJson(c.getAsJsonObject("scheduler_config"),
                            manifest.path().getFileName() + " scheduler_config");
                    return schedulerConfig;
                }
            }
            schedulerConfig = SchedulerConfig.load(modelPart("scheduler"));
        }
        return schedulerConfig;
    }

    @Override
    public void close() {
        models.close();
    }
}
