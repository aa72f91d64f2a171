package atelier.runtime.text;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;

/**
 * The fields of a Hugging Face {@code CLIPTextConfig} ({@code text_encoder/config.json}) the text model needs.
 * Optional fields take the reference defaults (quick_gelu, eps 1e-5, 77 positions, eos id 2).
 *
 * @param hiddenSize channels per token
 * @param numAttentionHeads heads per attention layer; must divide {@code hiddenSize}
 * @param numHiddenLayers transformer layers
 * @param intermediateSize MLP width
 * @param hiddenAct {@code quick_gelu} or {@code gelu}
 * @param layerNormEps epsilon of every layer norm
 * @param maxPositionEmbeddings longest id sequence
 * @param eosTokenId end-of-text id; the value 2 selects the legacy pooling rule (position of the largest id)
 * @param vocabSize rows of the token embedding
 */
public record ClipTextConfig(int hiddenSize, int numAttentionHeads, int numHiddenLayers, int intermediateSize,
        String hiddenAct, double layerNormEps, int maxPositionEmbeddings, int eosTokenId, int vocabSize) {

    /** The activations the MLP supports. */
    public static final java.util.List<String> ACTIVATIONS = java.util.List.of("quick_gelu", "gelu");

    public ClipTextConfig {
        positive("hidden_size", hiddenSize);
        positive("num_attention_heads", numAttentionHeads);
        positive("num_hidden_layers", numHiddenLayers);
        positive("intermediate_size", intermediateSize);
        positive("max_position_embeddings", maxPositionEmbeddings);
        positive("vocab_size", vocabSize);
        if (hiddenSize % numAttentionHeads != 0) {
            throw new IllegalArgumentException("hidden_size " + hiddenSize + " is not divisible by num_attention_heads "
                    + numAttentionHeads);
        }
        if (!ACTIVATIONS.contains(hiddenAct)) {
            throw new IllegalArgumentException("hidden_act '" + hiddenAct + "' is not supported (expected one of "
                    + ACTIVATIONS + ")");
        }
        if (!(layerNormEps > 0)) {
            throw new IllegalArgumentException("layer_norm_eps must be positive, got " + layerNormEps);
        }
    }

    /** Channels per head. */
    public int headDim() { return hiddenSize / numAttentionHeads; }

    /** Reads {@code config.json}; errors name the file and the field. */
    public static ClipTextConfig read(Path configJson) {
        JsonObject o;
        try (Reader r = Files.newBufferedReader(configJson, StandardCharsets.UTF_8)) {
            JsonElement e = JsonParser.parseReader(r);
            if (!e.isJsonObject()) {
                throw new IllegalArgumentException(configJson + " is not a JSON object");
            }
            o = e.getAsJsonObject();
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + configJson, e);
        } catch (JsonParseException e) {
            throw new IllegalArgumentException(configJson + " is not valid JSON: " + e.getMessage(), e);
        }
        try {
            return fromJson(o);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(configJson + ": " + e.getMessage(), e);
        }
    }

    /** Builds a config from parsed JSON. */
    static ClipTextConfig fromJson(JsonObject o) {
        return new ClipTextConfig(
                requiredInt(o, "hidden_size"),
                requiredInt(o, "num_attention_heads"),
                requiredInt(o, "num_hidden_layers"),
                requiredInt(o, "intermediate_size"),
                o.has("hidden_act") ? string(o, "hidden_act") : "quick_gelu",
                o.has("layer_norm_eps") ? number(o, "layer_norm_eps") : 1e-5,
                o.has("max_position_embeddings") ? requiredInt(o, "max_position_embeddings") : 77,
                o.has("eos_token_id") ? requiredInt(o, "eos_token_id") : 2,
                o.has("vocab_size") ? requiredInt(o, "vocab_size") : 49408);
    }

    private static int requiredInt(JsonObject o, String field) {
        double v = number(o, field);
        if (v != Math.rint(v) || Math.abs(v) > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("field '" + field + "' must be an integer, got " + v);
        }
        return (int) v;
    }

    private static double number(JsonObject o, String field) {
        JsonElement e = o.get(field);
        if (e == null || e.isJsonNull()) {
            throw new IllegalArgumentException("missing field '" + field + "'");
        }
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) {
            throw new IllegalArgumentException("field '" + field + "' must be a number, got " + e);
        }
        return e.getAsDouble();
    }

    private static String string(JsonObject o, String field) {
        JsonElement e = o.get(field);
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
            throw new IllegalArgumentException("field '" + field + "' must be a string, got " + e);
        }
        return e.getAsString();
    }

    private static void positive(String field, int v) {
        if (v <= 0) {
            throw new IllegalArgumentException("field '" + field + "' must be positive, got " + v);
        }
    }
}
