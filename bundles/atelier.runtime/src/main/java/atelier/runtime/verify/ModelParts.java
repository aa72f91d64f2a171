package atelier.runtime.verify;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import ai.djl.ndarray.NDManager;
import atelier.runtime.scheduler.SchedulerConfig;
import atelier.runtime.taesd.AutoencoderTiny;
import atelier.runtime.text.ClipTextModel;
import atelier.runtime.text.ClipTokenizer;
import atelier.runtime.unet.UNet2DConditionModel;
import atelier.runtime.vae.AutoencoderKL;

import com.google.gson.JsonObject;

/**
 * The networks a manifest's cases run, loaded on first use from a diffusers model folder (or, for TAESD, from
 * the weights a case names) and freed together by {@link #close()}.
 */
final class ModelParts implements AutoCloseable {
    private final GoldenManifest manifest;
    private final Path model;
    private final NDManager models;
    private ClipTokenizer tokenizer;
    private ClipTextModel text;
    private UNet2DConditionModel unet;
    private AutoencoderKL vae;
    private SchedulerConfig schedulerConfig;
    private final Map<Path, AutoencoderTiny> tiny = new HashMap<>();

    ModelParts(GoldenManifest manifest, Path model, NDManager parent) {
        this.manifest = manifest;
        this.model = model;
        this.models = parent.newSubManager();
    }

    /** The TAESD weights of a case: its own {@code weights}, a sibling case's, or the model folder's. */
    Path weightsFor(String id, JsonObject c) {
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

    ClipTokenizer tokenizer() {
        if (tokenizer == null) {
            tokenizer = ClipTokenizer.load(modelPart("tokenizer"));
        }
        return tokenizer;
    }

    ClipTextModel text() {
        if (text == null) {
            text = ClipTextModel.load(modelPart("text_encoder"), models);
        }
        return text;
    }

    UNet2DConditionModel unet() throws IOException {
        if (unet == null) {
            unet = UNet2DConditionModel.load(modelPart("unet"), models);
        }
        return unet;
    }

    AutoencoderKL vae() {
        if (vae == null) {
            try {
                vae = AutoencoderKL.load(modelPart("vae"), models);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return vae;
    }

    AutoencoderTiny tiny(Path weights) throws IOException {
        AutoencoderTiny t = tiny.get(weights);
        if (t == null) {
            t = AutoencoderTiny.load(weights, models);
            tiny.put(weights, t);
        }
        return t;
    }

    /** The scheduler the reference used (the tables case records it), else the model's. */
    SchedulerConfig schedulerConfig() throws IOException {
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
