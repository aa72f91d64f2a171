package atelier.runtime.unet;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;

/**
 * The parts of a diffusers {@code UNet2DConditionModel} {@code config.json} this runtime implements
 * (Stable Diffusion 1.x / 2.x). Every value that would change the network in a way not implemented here
 * (SDXL's {@code addition_embed_type}, class embeddings, other block types, …) is refused with an
 * {@link IllegalArgumentException} naming the field and its value, rather than silently computing something
 * else.
 *
 * @param sampleSize              nominal latent size
 * @param inChannels              latent channels in
 * @param outChannels             channels out
 * @param centerInputSample       {@code 2·x − 1} on the input
 * @param flipSinToCos            cosine first in the timestep features
 * @param freqShift               {@code downscale_freq_shift}
 * @param downBlockTypes          {@code CrossAttnDownBlock2D} or {@code DownBlock2D}
 * @param upBlockTypes            {@code CrossAttnUpBlock2D} or {@code UpBlock2D}
 * @param blockOutChannels        channels per level
 * @param layersPerBlock          resnets per down block (up blocks have one more)
 * @param downsamplePadding       padding of the down-sampling convolutions
 * @param midBlockScaleFactor     output scale of the mid-block resnets
 * @param normNumGroups           GroupNorm groups
 * @param normEps                 GroupNorm epsilon of the resnets and the output norm
 * @param crossAttentionDim       context width
 * @param transformerLayersPerBlock transformer blocks per attention module, per down level
 * @param headsPerBlock           attention heads per down level (resolved from the legacy rule)
 * @param useLinearProjection     linear {@code proj_in/proj_out} instead of 1×1 convolutions
 * @param upcastAttention         diffusers computes attention in fp32; this runtime always does
 * @param resnetOutScaleFactor    parsed for completeness; diffusers applies it only to block types not supported here
 * @param timeEmbeddingDim        width of the time embedding (default 4 × block_out_channels[0])
 */
public record UNetConfig(int sampleSize, int inChannels, int outChannels, boolean centerInputSample,
        boolean flipSinToCos, float freqShift, List<String> downBlockTypes, List<String> upBlockTypes,
        int[] blockOutChannels, int layersPerBlock, int downsamplePadding, float midBlockScaleFactor,
        int normNumGroups, float normEps, int crossAttentionDim, int[] transformerLayersPerBlock,
        int[] headsPerBlock, boolean useLinearProjection, boolean upcastAttention, float resnetOutScaleFactor,
        int timeEmbeddingDim) {

    public static final String CROSS_DOWN = "CrossAttnDownBlock2D";
    public static final String DOWN = "DownBlock2D";
    public static final String CROSS_UP = "CrossAttnUpBlock2D";
    public static final String UP = "UpBlock2D";
    public static final String MID = "UNetMidBlock2DCrossAttn";

    public UNetConfig {
        downBlockTypes = List.copyOf(downBlockTypes);
        upBlockTypes = List.copyOf(upBlockTypes);
        blockOutChannels = blockOutChannels.clone();
        transformerLayersPerBlock = transformerLayersPerBlock.clone();
        headsPerBlock = headsPerBlock.clone();
        int n = blockOutChannels.length;
        if (downBlockTypes.size() != n || upBlockTypes.size() != n) {
            throw new IllegalArgumentException("down_block_types (" + downBlockTypes.size() + "), up_block_types ("
                    + upBlockTypes.size() + ") and block_out_channels (" + n + ") must have the same length");
        }
        for (String t : downBlockTypes) {
            if (!t.equals(CROSS_DOWN) && !t.equals(DOWN)) {
                throw unsupported("down_block_types", t);
            }
        }
        for (String t : upBlockTypes) {
            if (!t.equals(CROSS_UP) && !t.equals(UP)) {
                throw unsupported("up_block_types", t);
            }
        }
        if (headsPerBlock.length != n || transformerLayersPerBlock.length != n) {
            throw new IllegalArgumentException("attention heads and transformer_layers_per_block need one value per"
                    + " down block (" + n + "), got " + Arrays.toString(headsPerBlock) + " and "
                    + Arrays.toString(transformerLayersPerBlock));
        }
        for (int i = 0; i < n; i++) {
            if (headsPerBlock[i] <= 0 || blockOutChannels[i] % headsPerBlock[i] != 0) {
                throw new IllegalArgumentException("block_out_channels[" + i + "] = " + blockOutChannels[i]
                        + " cannot be split into " + headsPerBlock[i] + " attention heads");
            }
            if (blockOutChannels[i] % normNumGroups != 0) {
                throw new IllegalArgumentException("block_out_channels[" + i + "] = " + blockOutChannels[i]
                        + " is not divisible by norm_num_groups = " + normNumGroups);
            }
        }
    }

    @Override
    public int[] blockOutChannels() { return blockOutChannels.clone(); }

    @Override
    public int[] transformerLayersPerBlock() { return transformerLayersPerBlock.clone(); }

    @Override
    public int[] headsPerBlock() { return headsPerBlock.clone(); }

    /** Stable Diffusion 1.x (1.4, 1.5). */
    public static UNetConfig sd15() {
        return new UNetConfig(64, 4, 4, false, true, 0f,
                List.of(CROSS_DOWN, CROSS_DOWN, CROSS_DOWN, DOWN), List.of(UP, CROSS_UP, CROSS_UP, CROSS_UP),
                new int[] {320, 640, 1280, 1280}, 2, 1, 1f, 32, 1e-5f, 768, new int[] {1, 1, 1, 1},
                new int[] {8, 8, 8, 8}, false, false, 1f, 1280);
    }

    /** Stable Diffusion 2.1-base (512 px, epsilon prediction): linear projections, 64-channel heads. */
    public static UNetConfig sd21base() {
        return new UNetConfig(64, 4, 4, false, true, 0f,
                List.of(CROSS_DOWN, CROSS_DOWN, CROSS_DOWN, DOWN), List.of(UP, CROSS_UP, CROSS_UP, CROSS_UP),
                new int[] {320, 640, 1280, 1280}, 2, 1, 1f, 32, 1e-5f, 1024, new int[] {1, 1, 1, 1},
                new int[] {5, 10, 20, 20}, true, false, 1f, 1280);
    }

    /** Reads a diffusers {@code config.json}. */
    public static UNetConfig read(Path configJson) throws IOException {
        String text = Files.readString(configJson, StandardCharsets.UTF_8);
        try {
            return parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(configJson.getFileName() + ": " + e.getMessage(), e);
        }
    }

    /** Parses the JSON text of a diffusers {@code config.json}. */
    public static UNetConfig parse(String json) {
        JsonObject o;
        try {
            JsonElement e = JsonParser.parseString(json);
            if (!e.isJsonObject()) {
                throw new IllegalArgumentException("UNet config is not a JSON object");
            }
            o = e.getAsJsonObject();
        } catch (JsonParseException e) {
            throw new IllegalArgumentException("UNet config is not valid JSON: " + e.getMessage(), e);
        }
        Json j = new Json(o);
        j.requireAbsentOrNull("addition_embed_type", "class_embed_type", "num_class_embeds", "time_cond_proj_dim",
                "encoder_hid_dim", "encoder_hid_dim_type", "projection_class_embeddings_input_dim",
                "timestep_post_act", "time_embedding_act_fn", "cross_attention_norm",
                "addition_time_embed_dim", "reverse_transformer_layers_per_block");
        j.requireOneOf("resnet_time_scale_shift", "default");
        j.requireOneOf("attention_type", "default");
        j.requireOneOf("time_embedding_type", "positional");
        j.requireOneOf("act_fn", "silu");
        if (o.has("mid_block_type") && o.get("mid_block_type").isJsonNull()) {
            throw unsupported("mid_block_type", null); // diffusers then has no mid block at all
        }
        j.requireOneOf("mid_block_type", MID);
        j.requireFalse("dual_cross_attention", "only_cross_attention", "resnet_skip_time_act",
                "class_embeddings_concat", "mid_block_only_cross_attention");
        j.requireInt("conv_in_kernel", 3);
        j.requireInt("conv_out_kernel", 3);

        List<String> down = j.strings("down_block_types",
                List.of(CROSS_DOWN, CROSS_DOWN, CROSS_DOWN, DOWN));
        List<String> up = j.strings("up_block_types", List.of(UP, CROSS_UP, CROSS_UP, CROSS_UP));
        int[] channels = j.ints("block_out_channels", new int[] {320, 640, 1280, 1280});
        int n = channels.length;
        int layers = j.intOr("layers_per_block", 2);
        int[] tlayers = j.intOrList("transformer_layers_per_block", 1, n);
        int[] heads;
        if (j.isPresent("num_attention_heads")) {
            heads = j.intOrList("num_attention_heads", 8, n);
        } else {
            heads = j.intOrList("attention_head_dim", 8, n); // legacy diffusers: this field is the head count
        }
        int c0 = channels[0];
        int timeDim = j.isPresent("time_embedding_dim") ? j.intOr("time_embedding_dim", c0 * 4) : c0 * 4;
        return new UNetConfig(j.intOr("sample_size", 64), j.intOr("in_channels", 4), j.intOr("out_channels", 4),
                j.boolOr("center_input_sample", false), j.boolOr("flip_sin_to_cos", true),
                j.floatOr("freq_shift", 0f), down, up, channels, layers, j.intOr("downsample_padding", 1),
                j.floatOr("mid_block_scale_factor", 1f), j.intOr("norm_num_groups", 32),
                j.floatOr("norm_eps", 1e-5f), j.intOr("cross_attention_dim", 1280), tlayers, heads,
                j.boolOr("use_linear_projection", false), j.boolOr("upcast_attention", false),
                j.floatOr("resnet_out_scale_factor", 1f), timeDim);
    }

    static IllegalArgumentException unsupported(String field, Object value) {
        return new IllegalArgumentException("unsupported UNet config value " + field + " = " + value);
    }

    /** Time-embedding width. */
    public int timeEmbedDim() { return timeEmbeddingDim; }

    @Override
    public boolean equals(Object other) {
        return other instanceof UNetConfig u && toString().equals(u.toString());
    }

    @Override
    public int hashCode() { return Objects.hash(toString()); }

    @Override
    public String toString() {
        return "UNetConfig[down=" + downBlockTypes + ", up=" + upBlockTypes + ", channels="
                + Arrays.toString(blockOutChannels) + ", layers=" + layersPerBlock + ", heads="
                + Arrays.toString(headsPerBlock) + ", transformerLayers=" + Arrays.toString(transformerLayersPerBlock)
                + ", crossAttentionDim=" + crossAttentionDim + ", linearProjection=" + useLinearProjection
                + ", in=" + inChannels + ", out=" + outChannels + ", groups=" + normNumGroups + ", eps=" + normEps
                + ", flipSinToCos=" + flipSinToCos + ", freqShift=" + freqShift + ", midScale=" + midBlockScaleFactor
                + ", downsamplePadding=" + downsamplePadding + ", timeDim=" + timeEmbeddingDim
                + ", centerInput=" + centerInputSample + ", upcast=" + upcastAttention + "]";
    }

    /** Typed access to config fields with errors naming the field. */
    static final class Json {
        private final JsonObject o;

        Json(JsonObject o) { this.o = o; }

        boolean isPresent(String f) { return o.has(f) && !o.get(f).isJsonNull(); }

        void requireAbsentOrNull(String... fields) {
            for (String f : fields) {
                if (isPresent(f)) {
                    throw unsupported(f, o.get(f));
                }
            }
        }

        void requireOneOf(String f, String allowed) {
            if (isPresent(f)) {
                JsonElement e = o.get(f);
                if (!e.isJsonPrimitive() || !e.getAsString().equals(allowed)) {
                    throw unsupported(f, e);
                }
            }
        }

        void requireFalse(String... fields) {
            for (String f : fields) {
                if (!isPresent(f)) {
                    continue;
                }
                JsonElement e = o.get(f);
                if (e.isJsonArray()) {
                    for (JsonElement x : e.getAsJsonArray()) {
                        if (!x.isJsonPrimitive() || !x.getAsJsonPrimitive().isBoolean() || x.getAsBoolean()) {
                            throw unsupported(f, e);
                        }
                    }
                } else if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isBoolean() || e.getAsBoolean()) {
                    throw unsupported(f, e);
                }
            }
        }

        void requireInt(String f, int allowed) {
            if (isPresent(f) && intOr(f, allowed) != allowed) {
                throw unsupported(f, o.get(f));
            }
        }

        int intOr(String f, int dflt) {
            if (!isPresent(f)) {
                return dflt;
            }
            try {
                double d = o.get(f).getAsDouble();
                if (d != Math.rint(d)) {
                    throw new IllegalArgumentException("config field " + f + " must be an integer, got " + o.get(f));
                }
                return (int) d;
            } catch (UnsupportedOperationException | IllegalStateException | NumberFormatException e) {
                throw new IllegalArgumentException("config field " + f + " must be a number, got " + o.get(f));
            }
        }

        float floatOr(String f, float dflt) {
            if (!isPresent(f)) {
                return dflt;
            }
            try {
                return o.get(f).getAsFloat();
            } catch (UnsupportedOperationException | IllegalStateException | NumberFormatException e) {
                throw new IllegalArgumentException("config field " + f + " must be a number, got " + o.get(f));
            }
        }

        boolean boolOr(String f, boolean dflt) {
            if (!isPresent(f)) {
                return dflt;
            }
            JsonElement e = o.get(f);
            if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isBoolean()) {
                throw new IllegalArgumentException("config field " + f + " must be true or false, got " + e);
            }
            return e.getAsBoolean();
        }

        List<String> strings(String f, List<String> dflt) {
            if (!isPresent(f)) {
                return dflt;
            }
            JsonElement e = o.get(f);
            if (!e.isJsonArray()) {
                throw new IllegalArgumentException("config field " + f + " must be a list, got " + e);
            }
            List<String> out = new ArrayList<>();
            for (JsonElement x : e.getAsJsonArray()) {
                if (!x.isJsonPrimitive()) {
                    throw new IllegalArgumentException("config field " + f + " must list names, got " + e);
                }
                out.add(x.getAsString());
            }
            return out;
        }

        int[] ints(String f, int[] dflt) {
            if (!isPresent(f)) {
                return dflt;
            }
            JsonElement e = o.get(f);
            if (!e.isJsonArray()) {
                throw new IllegalArgumentException("config field " + f + " must be a list of integers, got " + e);
            }
            return toInts(f, e.getAsJsonArray());
        }

        /** A number meaning the same value for every block, or a list with one per block. */
        int[] intOrList(String f, int dflt, int n) {
            int[] out = new int[n];
            if (!isPresent(f)) {
                Arrays.fill(out, dflt);
                return out;
            }
            JsonElement e = o.get(f);
            if (e.isJsonArray()) {
                int[] v = toInts(f, e.getAsJsonArray());
                if (v.length != n) {
                    throw new IllegalArgumentException("config field " + f + " lists " + v.length
                            + " values but there are " + n + " blocks");
                }
                return v;
            }
            Arrays.fill(out, intOr(f, dflt));
            return out;
        }

        private int[] toInts(String f, JsonArray a) {
            int[] v = new int[a.size()];
            for (int i = 0; i < v.length; i++) {
                JsonElement x = a.get(i);
                if (!x.isJsonPrimitive() || !x.getAsJsonPrimitive().isNumber()) {
                    throw new IllegalArgumentException("config field " + f + " must list integers, got " + a);
                }
                v[i] = x.getAsInt();
            }
            return v;
        }
    }
}
