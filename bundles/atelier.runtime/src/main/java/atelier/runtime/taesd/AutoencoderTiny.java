package atelier.runtime.taesd;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import atelier.runtime.io.SafetensorsFile;
import atelier.runtime.io.TensorSource;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;

/**
 * A TAESD-family tiny autoencoder: {@link #encode} maps an RGB image in [0, 1] to the latent space of its
 * diffusion model (already scaled: no scaling factor to apply), {@link #decode} maps back (≈ [0, 1], not
 * clamped). Spatial factor 8: encoded images must have a height and width that are multiples of 8.
 *
 * <p>{@link #load} recognises three layouts:
 * <ul>
 * <li>a diffusers {@code AutoencoderTiny} folder ({@code config.json} + {@code diffusion_pytorch_model.safetensors},
 * keys {@code encoder.layers.<i>…}, {@code decoder.layers.<i>…}; the decoder's index is the original one − 1
 * because diffusers applies the soft clamp in code);</li>
 * <li>the original per-half files {@code <name>_encoder.safetensors} / {@code <name>_decoder.safetensors}, keys
 * {@code <i>…} = index in the original sequence; pass either file or the common prefix {@code <dir>/<name>};</li>
 * <li>one file with both halves, keys {@code encoder.<i>…} / {@code decoder.<i>…} (TAEF2).</li>
 * </ul>
 * The architecture details (latent channels, GroupNorm "pool" branches of TAEF2) are read from the tensors.
 *
 * <p>For images too large for one pass, {@link #encodeStages()} and {@link #decodeStages()} cut each half into a
 * part that can run on overlapping tiles and a part at the latent scale that runs once on the whole map
 * ({@link TaesdStages}).
 *
 * <p>Weights live in the model's own manager, closed by {@link #close()}; each call computes in a sub-manager
 * of its input's manager and leaves only its result there.
 */
public final class AutoencoderTiny implements AutoCloseable {
    private static final int[] ENCODER_BLOCKS = {1, 3, 3, 3};
    private static final int[] DECODER_BLOCKS = {3, 3, 3, 1};
    private static final String DIFFUSERS_WEIGHTS = "diffusion_pytorch_model.safetensors";

    private final NDManager manager;
    private final TaesdNetwork encoder;
    private final TaesdNetwork decoder;
    private final String source;
    private final TaesdStages encodeStages;
    private final TaesdStages decodeStages;

    private AutoencoderTiny(NDManager manager, TaesdNetwork encoder, TaesdNetwork decoder, String source) {
        this.manager = manager;
        this.encoder = encoder;
        this.decoder = decoder;
        this.source = source;
        this.encodeStages = TaesdStages.ofEncoder(encoder);
        this.decodeStages = TaesdStages.ofDecoder(decoder);
    }

    /**
     * Loads an autoencoder from a diffusers folder, one half's file (or the pair's common prefix) or a
     * single file holding both halves.
     *
     * @param parent the weights go into a sub-manager of it, closed by {@link #close()}
     * @throws IllegalArgumentException naming the file, key or field when the layout is not recognised
     * @throws UncheckedIOException when a file cannot be read
     */
    public static AutoencoderTiny load(Path fileOrDir, NDManager parent) {
        try {
            if (Files.isDirectory(fileOrDir)) {
                return loadDiffusersFolder(fileOrDir, parent);
            }
            String name = fileOrDir.getFileName() == null ? "" : fileOrDir.getFileName().toString();
            if (name.endsWith("_encoder.safetensors") || name.endsWith("_decoder.safetensors")) {
                String stem = name.substring(0, name.length() - "_encoder.safetensors".length());
                return loadPair(fileOrDir.resolveSibling(stem), parent);
            }
            if (Files.isRegularFile(fileOrDir)) {
                return loadSingleFile(fileOrDir, parent);
            }
            Path enc = fileOrDir.resolveSibling(name + "_encoder.safetensors");
            if (Files.isRegularFile(enc)) {
                return loadPair(fileOrDir, parent);
            }
            throw new IllegalArgumentException("no TAESD autoencoder at " + fileOrDir + " (neither a folder, a file, "
                    + "nor the prefix of " + enc.getFileName() + ")");
        } catch (IOException e) {
            throw new UncheckedIOException("reading TAESD weights at " + fileOrDir, e);
        }
    }

    private static AutoencoderTiny loadDiffusersFolder(Path dir, NDManager parent) throws IOException {
        Path config = dir.resolve("config.json");
        Path weights = dir.resolve(DIFFUSERS_WEIGHTS);
        if (!Files.isRegularFile(config) || !Files.isRegularFile(weights)) {
            throw new IllegalArgumentException(dir + " is not a diffusers AutoencoderTiny folder (needs config.json and "
                    + DIFFUSERS_WEIGHTS + ")");
        }
        JsonObject cfg = readJson(config);
        checkConfig(cfg, config);
        int[] encBlocks = intArray(cfg, "num_encoder_blocks", ENCODER_BLOCKS, config);
        int[] decBlocks = intArray(cfg, "num_decoder_blocks", DECODER_BLOCKS, config);
        try (SafetensorsFile file = SafetensorsFile.open(weights)) {
            AutoencoderTiny ae = build(file, "encoder.layers.", i -> "encoder.layers." + i + ".", encBlocks,
                    file, "decoder.layers.", i -> i == 0 ? null : "decoder.layers." + (i - 1) + ".", decBlocks,
                    parent, dir.toString());
            if (cfg.has("latent_channels") && cfg.get("latent_channels").getAsInt() != ae.latentChannels()) {
                ae.close();
                throw new IllegalArgumentException(config + ": latent_channels " + cfg.get("latent_channels")
                        + " but the weights have " + ae.latentChannels());
            }
            return ae;
        }
    }

    private static AutoencoderTiny loadPair(Path prefix, NDManager parent) throws IOException {
        String stem = prefix.getFileName().toString();
        Path enc = prefix.resolveSibling(stem + "_encoder.safetensors");
        Path dec = prefix.resolveSibling(stem + "_decoder.safetensors");
        for (Path p : List.of(enc, dec)) {
            if (!Files.isRegularFile(p)) {
                throw new IllegalArgumentException("TAESD pair " + stem + ": missing " + p);
            }
        }
        try (SafetensorsFile e = SafetensorsFile.open(enc); SafetensorsFile d = SafetensorsFile.open(dec)) {
            return build(e, "", i -> i + ".", ENCODER_BLOCKS, d, "", i -> i + ".", DECODER_BLOCKS, parent,
                    enc + " + " + dec.getFileName());
        }
    }

    private static AutoencoderTiny loadSingleFile(Path file, NDManager parent) throws IOException {
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            if (f.contains("encoder.layers.0.weight")) {
                return build(f, "encoder.layers.", i -> "encoder.layers." + i + ".", ENCODER_BLOCKS,
                        f, "decoder.layers.", i -> i == 0 ? null : "decoder.layers." + (i - 1) + ".", DECODER_BLOCKS,
                        parent, file.toString());
            }
            if (f.contains("encoder.0.weight") || f.contains("decoder.1.weight")) {
                return build(f, "encoder.", i -> "encoder." + i + ".", ENCODER_BLOCKS,
                        f, "decoder.", i -> "decoder." + i + ".", DECODER_BLOCKS, parent, file.toString());
            }
            throw new IllegalArgumentException(file + " is not a TAESD autoencoder file: expected keys "
                    + "'encoder.<i>.…' / 'decoder.<i>.…' (or diffusers 'encoder.layers.<i>.…'), or a file named "
                    + "<name>_encoder.safetensors / <name>_decoder.safetensors");
        }
    }

    private static AutoencoderTiny build(TensorSource encSource, String encRoot, IntFunction<String> encPrefix,
            int[] encBlocks, TensorSource decSource, String decRoot, IntFunction<String> decPrefix, int[] decBlocks,
            NDManager parent, String where) {
        NDManager m = parent.newSubManager();
        try {
            TaesdNetwork encoder;
            TaesdNetwork decoder;
            try {
                encoder = TaesdNetwork.build("encoder", TaesdNetwork.encoderPlan(encBlocks), encSource, encPrefix,
                        encRoot, 3, m);
                decoder = TaesdNetwork.build("decoder", TaesdNetwork.decoderPlan(decBlocks), decSource, decPrefix,
                        decRoot, -1, m);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
            }
            if (encoder.outChannels() != decoder.inChannels()) {
                throw new IllegalArgumentException(where + ": the encoder makes " + encoder.outChannels()
                        + " latent channels but the decoder takes " + decoder.inChannels());
            }
            if (decoder.outChannels() != 3) {
                throw new IllegalArgumentException(where + ": the decoder makes " + decoder.outChannels()
                        + " channels, expected 3 (RGB)");
            }
            return new AutoencoderTiny(m, encoder, decoder, where);
        } catch (RuntimeException e) {
            m.close();
            throw e;
        }
    }

    /** Channels of the latent space (4 for SD/SDXL, 16 for SD3/FLUX.1, 32 for FLUX.2). */
    public int latentChannels() { return encoder.outChannels(); }

    /** Spatial factor between image and latent (8). */
    public int downscaleFactor() { return encoder.scale(); }

    /**
     * Encodes images.
     *
     * @param image01 float32 {@code [B, 3, H, W]} in [0, 1]; H and W must be multiples of {@link #downscaleFactor()}
     * @return {@code [B, latentChannels, H/8, W/8]} in the input's manager
     */
    public NDArray encode(NDArray image01) {
        Shape s = image01.getShape();
        int f = encoder.scale();
        if (s.dimension() != 4 || s.get(1) != 3) {
            throw new IllegalArgumentException("TAESD encode expects an RGB image batch [B, 3, H, W], got " + s);
        }
        if (s.get(2) % f != 0 || s.get(3) % f != 0 || s.get(2) == 0 || s.get(3) == 0) {
            throw new IllegalArgumentException("TAESD encode needs height and width that are multiples of " + f
                    + ", got " + s.get(2) + "×" + s.get(3) + " (crop or pad the image first)");
        }
        return run(encoder, image01);
    }

    /**
     * Decodes latents.
     *
     * @param latent float32 {@code [B, latentChannels, h, w]}
     * @return {@code [B, 3, 8h, 8w]}, approximately in [0, 1] (not clamped), in the input's manager
     */
    public NDArray decode(NDArray latent) {
        Shape s = latent.getShape();
        if (s.dimension() != 4 || s.get(1) != decoder.inChannels()) {
            throw new IllegalArgumentException("TAESD decode expects latents [B, " + decoder.inChannels()
                    + ", h, w], got " + s);
        }
        return run(decoder, latent);
    }

    private static NDArray run(TaesdNetwork net, NDArray input) {
        return TaesdStages.run(net, input);
    }

    /**
     * The encoder cut into a tileable high-resolution part and a whole-map latent-scale part:
     * {@code s.global(s.local(x))} equals {@link #encode encode(x)}. Use it to encode images too large for one pass
     * (run {@code local} per overlapping tile, blend, then {@code global} once): TAEF2's GroupNorm blocks then see the
     * whole map, as in a whole-image pass. See {@link TaesdStages} for where the cut is and why.
     */
    public TaesdStages encodeStages() { return encodeStages; }

    /**
     * The decoder cut into a whole-map latent-scale part and a tileable high-resolution part:
     * {@code s.local(s.global(z))} equals {@link #decode decode(z)}. See {@link TaesdStages}.
     */
    public TaesdStages decodeStages() { return decodeStages; }

    @Override
    public void close() {
        manager.close();
    }

    @Override
    public String toString() {
        return "AutoencoderTiny(" + latentChannels() + " latent channels, " + source + ")";
    }

    private static void checkConfig(JsonObject cfg, Path file) {
        expect(cfg, "act_fn", "relu", file);
        expect(cfg, "upsample_fn", "nearest", file);
        if (cfg.has("upsampling_scaling_factor") && cfg.get("upsampling_scaling_factor").getAsInt() != 2) {
            throw new IllegalArgumentException(file + ": upsampling_scaling_factor "
                    + cfg.get("upsampling_scaling_factor") + " is not supported (only 2)");
        }
        for (String field : List.of("in_channels", "out_channels")) {
            if (cfg.has(field) && cfg.get(field).getAsInt() != 3) {
                throw new IllegalArgumentException(file + ": " + field + " " + cfg.get(field)
                        + " is not supported (RGB only)");
            }
        }
    }

    private static void expect(JsonObject cfg, String field, String value, Path file) {
        if (cfg.has(field) && !value.equals(cfg.get(field).getAsString())) {
            throw new IllegalArgumentException(file + ": " + field + " '" + cfg.get(field).getAsString()
                    + "' is not supported (only '" + value + "')");
        }
    }

    private static int[] intArray(JsonObject cfg, String field, int[] fallback, Path file) {
        JsonElement e = cfg.get(field);
        if (e == null || e.isJsonNull()) {
            return fallback;
        }
        if (!e.isJsonArray()) {
            throw new IllegalArgumentException(file + ": " + field + " must be an array of block counts, got " + e);
        }
        JsonArray a = e.getAsJsonArray();
        List<Integer> out = new ArrayList<>();
        for (JsonElement x : a) {
            out.add(x.getAsInt());
        }
        if (out.isEmpty() || out.stream().anyMatch(v -> v < 0)) {
            throw new IllegalArgumentException(file + ": " + field + " must list non-negative block counts, got " + e);
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    private static JsonObject readJson(Path file) {
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            JsonElement e = JsonParser.parseReader(r);
            if (!e.isJsonObject()) {
                throw new IllegalArgumentException(file + " is not a JSON object");
            }
            return e.getAsJsonObject();
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + file, e);
        } catch (JsonParseException | IllegalStateException | UnsupportedOperationException e) {
            throw new IllegalArgumentException(file + " is not valid JSON: " + e.getMessage(), e);
        }
    }
}
