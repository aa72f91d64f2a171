package atelier.runtime.sd;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import atelier.runtime.scheduler.DdimScheduler;
import atelier.runtime.scheduler.SchedulerConfig;
import atelier.runtime.text.ClipTextModel;
import atelier.runtime.text.ClipTokenizer;
import atelier.runtime.unet.UNet2DConditionModel;
import atelier.runtime.vae.AutoencoderKL;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;

/**
 * A Stable Diffusion 1.x/2.x-family model: tokenizer, CLIP text encoder, UNet, VAE and the scheduler's noise
 * schedule. Loads a diffusers folder ({@code model_index.json} with {@code tokenizer/}, {@code text_encoder/},
 * {@code unet/}, {@code vae/}, {@code scheduler/}) or a single-file LDM checkpoint (see {@link SingleFileLoader}).
 * The weights live in a sub-manager of the parent given at load time, freed by {@link #close()}.
 */
public final class StableDiffusionModel implements AutoCloseable {
    /** Pipeline classes whose components this runtime reads. */
    static final Set<String> PIPELINES = Set.of("StableDiffusionPipeline", "StableDiffusionImg2ImgPipeline");
    /** The component classes expected in {@code model_index.json}. */
    static final Map<String, Set<String>> COMPONENTS = Map.of(
            "unet", Set.of("UNet2DConditionModel"),
            "vae", Set.of("AutoencoderKL"),
            "text_encoder", Set.of("CLIPTextModel"),
            "tokenizer", Set.of("CLIPTokenizer", "CLIPTokenizerFast"));

    private final Path origin;
    private final NDManager manager;
    private final ClipTokenizer tokenizer;
    private final ClipTextModel textEncoder;
    private final UNet2DConditionModel unet;
    private final AutoencoderKL vae;
    private final SchedulerConfig schedulerConfig;
    private final DdimScheduler scheduler;
    private final List<AutoCloseable> resources;

    StableDiffusionModel(Path origin, NDManager manager, ClipTokenizer tokenizer, ClipTextModel textEncoder,
            UNet2DConditionModel unet, AutoencoderKL vae, SchedulerConfig schedulerConfig,
            List<AutoCloseable> resources) {
        this.origin = origin;
        this.manager = manager;
        this.tokenizer = tokenizer;
        this.textEncoder = textEncoder;
        this.unet = unet;
        this.vae = vae;
        this.schedulerConfig = schedulerConfig;
        this.scheduler = new DdimScheduler(schedulerConfig);
        this.resources = new ArrayList<>(resources);
    }

    /**
     * Loads a diffusers folder or a single-file {@code .safetensors} LDM checkpoint.
     *
     * @throws IOException when a file is missing or unreadable, or the model is of an unsupported kind (the
     *                     message names the class or key and what is supported)
     */
    public static StableDiffusionModel load(Path dirOrFile, NDManager parent) throws IOException {
        if (Files.isDirectory(dirOrFile)) {
            return loadFolder(dirOrFile, parent);
        }
        if (Files.isRegularFile(dirOrFile)) {
            return SingleFileLoader.load(dirOrFile, null, parent);
        }
        throw new IOException("model not found: " + dirOrFile);
    }

    /**
     * Loads a single-file LDM checkpoint with the component configs (and tokenizer, if present) of a diffusers
     * folder instead of the built-in presets: for checkpoints whose architecture differs from SD 1.5.
     */
    public static StableDiffusionModel loadSingleFile(Path file, Path configFolder, NDManager parent)
            throws IOException {
        return SingleFileLoader.load(file, configFolder, parent);
    }

    private static StableDiffusionModel loadFolder(Path dir, NDManager parent) throws IOException {
        checkModelIndex(dir);
        for (String sub : List.of("tokenizer", "text_encoder", "unet", "vae", "scheduler")) {
            if (!Files.isDirectory(dir.resolve(sub))) {
                throw new IOException("diffusers model " + dir + " has no " + sub + "/ folder");
            }
        }
        SchedulerConfig sched = SchedulerConfig.load(dir.resolve("scheduler"));
        ClipTokenizer tok = ClipTokenizer.load(dir.resolve("tokenizer"));
        NDManager m = parent.newSubManager();
        List<AutoCloseable> parts = new ArrayList<>();
        try {
            ClipTextModel text = ClipTextModel.load(dir.resolve("text_encoder"), m);
            parts.add(text);
            UNet2DConditionModel unet = UNet2DConditionModel.load(dir.resolve("unet"), m);
            parts.add(unet);
            AutoencoderKL vae = AutoencoderKL.load(dir.resolve("vae"), m);
            parts.add(vae);
            return new StableDiffusionModel(dir, m, tok, text, unet, vae, sched, List.of());
        } catch (IOException | RuntimeException e) {
            closeAll(parts);
            m.close();
            throw e;
        }
    }

    /** Checks {@code model_index.json}: the pipeline class and each component's class. */
    static void checkModelIndex(Path dir) throws IOException {
        Path index = dir.resolve("model_index.json");
        if (!Files.isRegularFile(index)) {
            throw new IOException(dir + " is not a diffusers model folder: no model_index.json");
        }
        JsonObject o;
        try (Reader r = Files.newBufferedReader(index, StandardCharsets.UTF_8)) {
            JsonElement e = JsonParser.parseReader(r);
            if (!e.isJsonObject()) {
                throw new IOException(index + " is not a JSON object");
            }
            o = e.getAsJsonObject();
        } catch (JsonParseException e) {
            throw new IOException(index + " is not valid JSON: " + e.getMessage(), e);
        }
        String cls = o.has("_class_name") ? o.get("_class_name").getAsString() : "";
        if (cls.startsWith("StableDiffusionXL")) {
            throw new IOException(index + ": " + cls + " (SDXL) is not supported yet; supported: " + PIPELINES);
        }
        if (!PIPELINES.contains(cls)) {
            throw new IOException(index + ": pipeline class '" + cls + "' is not supported; supported: "
                    + PIPELINES);
        }
        for (Map.Entry<String, Set<String>> c : COMPONENTS.entrySet()) {
            String got = componentClass(o, c.getKey());
            if (got == null) {
                throw new IOException(index + " names no " + c.getKey() + " component");
            }
            if (!c.getValue().contains(got)) {
                throw new IOException(index + ": " + c.getKey() + " class '" + got + "' is not supported; supported: "
                        + c.getValue());
            }
        }
        String sched = componentClass(o, "scheduler");
        if (sched == null) {
            throw new IOException(index + " names no scheduler component");
        }
    }

    private static String componentClass(JsonObject o, String name) {
        JsonElement e = o.get(name);
        if (e == null || !e.isJsonArray() || e.getAsJsonArray().size() != 2
                || e.getAsJsonArray().get(1).isJsonNull()) {
            return null;
        }
        return e.getAsJsonArray().get(1).getAsString();
    }

    static void closeAll(List<AutoCloseable> parts) {
        for (int i = parts.size() - 1; i >= 0; i--) {
            try {
                parts.get(i).close();
            } catch (Exception ignored) {
                // best effort while unwinding a failed load
            }
        }
    }

    /** Where the model was loaded from. */
    public Path origin() { return origin; }

    /** The manager holding the weights. */
    public NDManager manager() { return manager; }

    public ClipTokenizer tokenizer() { return tokenizer; }

    public ClipTextModel textEncoder() { return textEncoder; }

    public UNet2DConditionModel unet() { return unet; }

    public AutoencoderKL vae() { return vae; }

    public SchedulerConfig schedulerConfig() { return schedulerConfig; }

    /** A DDIM scheduler over this model's noise schedule. */
    public DdimScheduler scheduler() { return scheduler; }

    /** A sampler over this model's UNet and schedule. */
    public Sampler sampler() { return new Sampler(unet, scheduler); }

    /** An inverter over this model's UNet and schedule. */
    public Inverter inverter() { return new Inverter(unet, scheduler); }

    /**
     * DDIM inversion of a clean latent (already scaled by the VAE's scaling factor) with the empty prompt and no
     * guidance, as the inversion-based style methods do; {@code options.guidanceScale()} is ignored.
     */
    public LoopResult invert(NDArray z0, LoopOptions options, NDManager run) throws atelier.api.TransferException {
        try (NDManager scratch = run.newSubManager()) {
            NDArray empty = encodePrompt("", scratch);
            return inverter().invert(z0, empty, options, run);
        }
    }

    /**
     * The text embedding the UNet is conditioned on (CLIP's last hidden state after the final layer norm),
     * {@code [1, tokens, D]}, in {@code into}.
     */
    public NDArray encodePrompt(String prompt, NDManager into) {
        long[] ids = tokenizer.encode(prompt);
        try (NDManager scratch = into.newSubManager()) {
            NDArray idArray = scratch.create(ids, new Shape(1, ids.length));
            var enc = textEncoder.encode(idArray);
            NDArray hidden = enc.lastHiddenState();
            hidden.attach(into);
            return hidden;
        }
    }

    @Override
    public void close() {
        List<AutoCloseable> all = new ArrayList<>(List.of(textEncoder, unet, vae));
        all.addAll(resources);
        closeAll(all);
        manager.close();
    }

    @Override
    public String toString() { return "StableDiffusionModel[" + origin + "]"; }
}
