package atelier.runtime.sd;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import ai.djl.ndarray.NDManager;
import atelier.runtime.io.SafetensorsFile;
import atelier.runtime.scheduler.SchedulerConfig;
import atelier.runtime.sd.convert.LdmClipMapping;
import atelier.runtime.sd.convert.LdmOpenClipMapping;
import atelier.runtime.sd.convert.LdmUnetMapping;
import atelier.runtime.sd.convert.LdmVaeMapping;
import atelier.runtime.sd.convert.MappedTensorSource;
import atelier.runtime.sd.convert.UNetLayout;
import atelier.runtime.text.ClipTextConfig;
import atelier.runtime.text.ClipTextModel;
import atelier.runtime.text.ClipTokenizer;
import atelier.runtime.unet.UNet2DConditionModel;
import atelier.runtime.unet.UNetConfig;
import atelier.runtime.vae.AutoencoderKL;
import atelier.runtime.vae.VaeConfig;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

/**
 * Loads a single-file LDM ("original Stable Diffusion") checkpoint: {@code model.diffusion_model.*} (UNet),
 * {@code first_stage_model.*} (VAE) and {@code cond_stage_model.transformer.*} (SD 1.x CLIP text encoder) or
 * {@code cond_stage_model.model.*} (SD 2.x OpenCLIP text encoder), read through {@link MappedTensorSource}s under
 * diffusers names. Component configs come from the SD 1.5 / SD 2.1-base presets or from a diffusers folder given
 * by the caller. A checkpoint carries no tokenizer: it is looked up in the config
 * folder, in a {@code tokenizer/} folder next to the file, then in the model store's {@code clip-tokenizer/}.
 */
final class SingleFileLoader {
    /** The model store folder name searched for a CLIP tokenizer. */
    static final String STORE_TOKENIZER = "clip-tokenizer";

    private static final Pattern QUOTED = Pattern.compile("'([^']+)'");

    private SingleFileLoader() { }

    static StableDiffusionModel load(Path file, Path configFolder, NDManager parent) throws IOException {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".ckpt") || name.endsWith(".pt") || name.endsWith(".pth") || name.endsWith(".bin")) {
            throw new IOException(file + ": pickle checkpoints are not read (loading them can run code); convert it"
                    + " to .safetensors first");
        }
        if (!name.endsWith(".safetensors")) {
            throw new IOException(file + ": not a .safetensors checkpoint or a diffusers model folder");
        }
        try (SafetensorsFile st = SafetensorsFile.open(file)) {
            Set<String> keys = st.keys();
            boolean sd2 = checkFamily(file, keys);
            Configs cfg = configFolder != null ? Configs.fromFolder(configFolder) : sd2 ? Configs.sd21base()
                    : Configs.sd15();
            ClipTokenizer tok = ClipTokenizer.load(findTokenizer(file, configFolder));
            String fn = file.getFileName().toString();
            MappedTensorSource unetSrc = new MappedTensorSource(st, new LdmUnetMapping(cfg.layout),
                    fn + " (UNet)");
            MappedTensorSource vaeSrc = new MappedTensorSource(st, new LdmVaeMapping(cfg.vaeBlocks), fn + " (VAE)");
            MappedTensorSource textSrc = new MappedTensorSource(st, sd2 ? new LdmOpenClipMapping()
                    : LdmClipMapping.detect(keys), fn + " (text encoder)");
            NDManager m = parent.newSubManager();
            List<AutoCloseable> parts = new ArrayList<>();
            try {
                ClipTextModel text = withKeys(textSrc, () -> ClipTextModel.load(cfg.text, textSrc, m));
                parts.add(text);
                UNet2DConditionModel unet = withKeys(unetSrc, () -> UNet2DConditionModel.load(cfg.unet, unetSrc, m));
                parts.add(unet);
                AutoencoderKL vae = withKeys(vaeSrc, () -> AutoencoderKL.load(cfg.vae, vaeSrc, m));
                parts.add(vae);
                return new StableDiffusionModel(file, m, tok, text, unet, vae, cfg.scheduler, List.of());
            } catch (RuntimeException e) {
                StableDiffusionModel.closeAll(parts);
                m.close();
                throw e;
            }
        }
    }

    /** Refuses checkpoints of other families with a message that says what they are. */
    static boolean checkFamily(Path file, Set<String> keys) throws IOException {
        if (keys.stream().anyMatch(k -> k.startsWith("conditioner.embedders."))) {
            throw new IOException(file + " is an SDXL checkpoint (conditioner.embedders.*): SDXL is not supported yet");
        }
        if (keys.stream().noneMatch(k -> k.startsWith(LdmUnetMapping.PREFIX))) {
            throw new IOException(file + " is not a single-file Stable Diffusion checkpoint: it has no "
                    + LdmUnetMapping.PREFIX + "* tensors");
        }
        if (keys.stream().noneMatch(k -> k.startsWith(LdmClipMapping.PREFIX)
                || k.startsWith(LdmOpenClipMapping.PREFIX))) {
            throw new IOException(file + " has no text encoder (" + LdmClipMapping.PREFIX + "* for SD 1.x or "
                    + LdmOpenClipMapping.PREFIX + "* for SD 2.x)");
        }
        if (keys.stream().noneMatch(k -> k.startsWith(LdmVaeMapping.PREFIX))) {
            throw new IOException(file + " has no autoencoder (" + LdmVaeMapping.PREFIX + "* tensors)");
        }
        return isSd2(keys);
    }

    /** SD 2.x checkpoints carry the OpenCLIP text tower. */
    static boolean isSd2(Set<String> keys) {
        return keys.stream().anyMatch(k -> k.startsWith(LdmOpenClipMapping.PREFIX));
    }

    /** Runs a component load; errors that quote a diffusers key get the checkpoint's key added. */
    private static <T> T withKeys(MappedTensorSource src, java.util.function.Supplier<T> load) {
        try {
            return load.get();
        } catch (IllegalArgumentException e) {
            String msg = String.valueOf(e.getMessage());
            Matcher m = QUOTED.matcher(msg);
            if (m.find() && !msg.contains("checkpoint key")) {
                String ldm = src.sourceKey(m.group(1));
                if (ldm != null) {
                    throw new IllegalArgumentException(msg + " [checkpoint key '" + ldm + "' in " + src + "]", e);
                }
            }
            throw new IllegalArgumentException(msg + " [" + src + "]", e);
        }
    }

    /** Finds a CLIP tokenizer folder for a checkpoint, or says what to fetch. */
    static Path findTokenizer(Path file, Path configFolder) throws IOException {
        List<Path> tried = new ArrayList<>();
        if (configFolder != null) {
            tried.add(configFolder.resolve("tokenizer"));
        }
        Path dir = file.toAbsolutePath().getParent();
        tried.add(dir.resolve("tokenizer"));
        String store = System.getProperty("atelier.models", System.getenv("ATELIER_MODELS"));
        if (store != null && !store.isBlank()) {
            tried.add(Path.of(store).resolve(STORE_TOKENIZER));
        }
        for (Path p : tried) {
            if (Files.isRegularFile(p.resolve("vocab.json")) && Files.isRegularFile(p.resolve("merges.txt"))) {
                return p;
            }
        }
        throw new IOException("no CLIP tokenizer for " + file.getFileName() + ": a single-file checkpoint carries"
                + " none. Put vocab.json and merges.txt of the CLIP ViT-L/14 tokenizer (the tokenizer/ folder of"
                + " any SD 1.x diffusers model, e.g. openai/clip-vit-large-patch14) in one of " + tried
                + (store == null ? " (or set ATELIER_MODELS and use <models>/" + STORE_TOKENIZER + ")" : ""));
    }

    /** The component configs of one checkpoint. */
    private static final class Configs {
        UNetConfig unet;
        UNetLayout layout;
        VaeConfig vae;
        int vaeBlocks;
        ClipTextConfig text;
        SchedulerConfig scheduler;

        /** SD 1.5: UNet 320/640/1280/1280, VAE 128/256/512/512, CLIP ViT-L/14 text tower, scaled-linear DDIM. */
        static Configs sd15() {
            Configs c = new Configs();
            c.unet = UNetConfig.sd15();
            c.layout = UNetLayout.sd();
            c.vae = VaeConfig.sd15();
            c.vaeBlocks = 4;
            c.text = new ClipTextConfig(768, 12, 12, 3072, "quick_gelu", 1e-5, 77, 2, 49408);
            c.scheduler = SchedulerConfig.sd15();
            return c;
        }

        /**
         * SD 2.1-base: UNet with 5/10/20/20 heads of 64 channels and linear projections, 1024-wide context, the
         * SD VAE, the OpenCLIP ViT-H/14 text tower cut to 23 layers (SD 2.x conditions on the penultimate
         * layer), epsilon prediction. 768 px v-prediction models need their scheduler config: pass a folder.
         */
        static Configs sd21base() {
            Configs c = sd15();
            c.unet = UNetConfig.sd21base();
            c.text = new ClipTextConfig(1024, 16, 23, 4096, "gelu", 1e-5, 77, 2, 49408);
            return c;
        }

        static Configs fromFolder(Path dir) throws IOException {
            Configs c = new Configs();
            Path unetJson = dir.resolve("unet/config.json");
            Path vaeJson = dir.resolve("vae/config.json");
            for (Path p : List.of(unetJson, vaeJson, dir.resolve("text_encoder/config.json"))) {
                if (!Files.isRegularFile(p)) {
                    throw new IOException("config folder " + dir + " has no " + dir.relativize(p));
                }
            }
            c.unet = UNetConfig.read(unetJson);
            c.layout = UNetLayout.fromConfig(json(unetJson));
            c.vae = VaeConfig.read(vaeJson);
            JsonObject v = json(vaeJson);
            c.vaeBlocks = v.has("block_out_channels") ? v.getAsJsonArray("block_out_channels").size() : 4;
            c.text = ClipTextConfig.read(dir.resolve("text_encoder/config.json"));
            c.scheduler = Files.isDirectory(dir.resolve("scheduler"))
                    ? SchedulerConfig.load(dir.resolve("scheduler")) : SchedulerConfig.sd15();
            return c;
        }

        private static JsonObject json(Path p) throws IOException {
            return JsonParser.parseString(Files.readString(p, StandardCharsets.UTF_8)).getAsJsonObject();
        }
    }
}
