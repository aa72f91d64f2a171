package atelier.runtime.vae;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;

/**
 * The diffusers {@code AutoencoderKL} {@code config.json} fields this runtime implements. Values that would need
 * a different network ({@code act_fn} other than SiLU, other block types) are refused naming the field.
 *
 * @param inChannels           image channels
 * @param outChannels          decoded channels
 * @param blockOutChannels     channels per level
 * @param layersPerBlock       resnets per encoder level (decoder levels have one more)
 * @param latentChannels       latent channels
 * @param normNumGroups        GroupNorm groups
 * @param scalingFactor        latent scaling (0.18215 for SD 1.x/2.x)
 * @param shiftFactor          latent shift (null for SD)
 * @param useQuantConv         {@code quant_conv} after the encoder
 * @param usePostQuantConv     {@code post_quant_conv} before the decoder
 * @param midBlockAddAttention mid-block self-attention present
 */
public record VaeConfig(int inChannels, int outChannels, int[] blockOutChannels, int layersPerBlock,
        int latentChannels, int normNumGroups, float scalingFactor, Float shiftFactor, boolean useQuantConv,
        boolean usePostQuantConv, boolean midBlockAddAttention) {

    public VaeConfig {
        blockOutChannels = blockOutChannels.clone();
        for (int c : blockOutChannels) {
            if (c % normNumGroups != 0) {
                throw new IllegalArgumentException("VAE block_out_channels " + Arrays.toString(blockOutChannels)
                        + " are not divisible by norm_num_groups = " + normNumGroups);
            }
        }
    }

    @Override
    public int[] blockOutChannels() { return blockOutChannels.clone(); }

    /** The Stable Diffusion 1.x/2.x autoencoder. */
    public static VaeConfig sd15() {
        return new VaeConfig(3, 3, new int[] {128, 256, 512, 512}, 2, 4, 32, 0.18215f, null, true, true, true);
    }

    public static VaeConfig read(Path configJson) throws IOException {
        try {
            return parse(Files.readString(configJson, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(configJson.getFileName() + ": " + e.getMessage(), e);
        }
    }

    public static VaeConfig parse(String json) {
        JsonObject o;
        try {
            JsonElement e = JsonParser.parseString(json);
            if (!e.isJsonObject()) {
                throw new IllegalArgumentException("VAE config is not a JSON object");
            }
            o = e.getAsJsonObject();
        } catch (JsonParseException e) {
            throw new IllegalArgumentException("VAE config is not valid JSON: " + e.getMessage(), e);
        }
        if (present(o, "act_fn") && !o.get("act_fn").getAsString().equals("silu")) {
            throw unsupported("act_fn", o.get("act_fn"));
        }
        int[] ch = present(o, "block_out_channels") ? ints(o, "block_out_channels") : new int[] {64};
        checkTypes(o, "down_block_types", "DownEncoderBlock2D", ch.length);
        checkTypes(o, "up_block_types", "UpDecoderBlock2D", ch.length);
        Float shift = present(o, "shift_factor") ? o.get("shift_factor").getAsFloat() : null;
        return new VaeConfig(intOr(o, "in_channels", 3), intOr(o, "out_channels", 3), ch,
                intOr(o, "layers_per_block", 1), intOr(o, "latent_channels", 4), intOr(o, "norm_num_groups", 32),
                present(o, "scaling_factor") ? o.get("scaling_factor").getAsFloat() : 0.18215f, shift,
                boolOr(o, "use_quant_conv", true), boolOr(o, "use_post_quant_conv", true),
                boolOr(o, "mid_block_add_attention", true));
    }

    private static void checkTypes(JsonObject o, String field, String allowed, int n) {
        if (!present(o, field)) {
            return;
        }
        List<String> types = new ArrayList<>();
        o.getAsJsonArray(field).forEach(e -> types.add(e.getAsString()));
        for (String t : types) {
            if (!t.equals(allowed)) {
                throw unsupported(field, t);
            }
        }
        if (types.size() != n) {
            throw new IllegalArgumentException(field + " has " + types.size() + " entries but block_out_channels "
                    + n);
        }
    }

    private static IllegalArgumentException unsupported(String field, Object value) {
        return new IllegalArgumentException("unsupported VAE config value " + field + " = " + value);
    }

    private static boolean present(JsonObject o, String f) { return o.has(f) && !o.get(f).isJsonNull(); }

    private static int intOr(JsonObject o, String f, int d) {
        try {
            return present(o, f) ? o.get(f).getAsInt() : d;
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("config field " + f + " must be an integer, got " + o.get(f));
        }
    }

    private static boolean boolOr(JsonObject o, String f, boolean d) {
        try {
            return present(o, f) ? o.get(f).getAsBoolean() : d;
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("config field " + f + " must be true or false, got " + o.get(f));
        }
    }

    private static int[] ints(JsonObject o, String f) {
        try {
            var a = o.getAsJsonArray(f);
            int[] v = new int[a.size()];
            for (int i = 0; i < v.length; i++) {
                v[i] = a.get(i).getAsInt();
            }
            return v;
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("config field " + f + " must list integers, got " + o.get(f));
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof VaeConfig v && toString().equals(v.toString());
    }

    @Override
    public int hashCode() { return toString().hashCode(); }

    @Override
    public String toString() {
        return "VaeConfig[in=" + inChannels + ", out=" + outChannels + ", channels=" + Arrays.toString(blockOutChannels)
                + ", layers=" + layersPerBlock + ", latent=" + latentChannels + ", groups=" + normNumGroups
                + ", scaling=" + scalingFactor + ", shift=" + shiftFactor + ", quantConv=" + useQuantConv
                + ", postQuantConv=" + usePostQuantConv + ", midAttention=" + midBlockAddAttention + "]";
    }
}
