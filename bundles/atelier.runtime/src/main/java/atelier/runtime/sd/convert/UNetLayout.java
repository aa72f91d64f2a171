package atelier.runtime.sd.convert;

import java.util.Arrays;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;

/**
 * What the LDM ↔ diffusers UNet key translation depends on: the number of resolution levels, resnets per
 * down block, and which down and up blocks carry cross-attention transformers.
 *
 * @param layersPerBlock resnets per down block (up blocks have one more)
 * @param downAttention  per down block: is it a {@code CrossAttnDownBlock2D}
 * @param upAttention    per up block: is it a {@code CrossAttnUpBlock2D}
 */
public record UNetLayout(int layersPerBlock, boolean[] downAttention, boolean[] upAttention) {
    public UNetLayout {
        if (layersPerBlock < 1) {
            throw new IllegalArgumentException("layers_per_block must be >= 1, was " + layersPerBlock);
        }
        if (downAttention.length != upAttention.length || downAttention.length == 0) {
            throw new IllegalArgumentException("down and up block counts differ: " + downAttention.length
                    + " vs " + upAttention.length);
        }
        downAttention = downAttention.clone();
        upAttention = upAttention.clone();
    }

    public int blocks() { return downAttention.length; }

    public boolean downHasAttention(int b) { return downAttention[b]; }

    public boolean upHasAttention(int b) { return upAttention[b]; }

    @Override
    public boolean[] downAttention() { return downAttention.clone(); }

    @Override
    public boolean[] upAttention() { return upAttention.clone(); }

    /** SD 1.x and 2.x: four levels, two resnets each, attention everywhere but the lowest resolution. */
    public static UNetLayout sd() {
        return new UNetLayout(2, new boolean[] {true, true, true, false}, new boolean[] {false, true, true, true});
    }

    /** Reads a diffusers {@code unet/config.json}. */
    public static UNetLayout fromConfig(JsonObject config) {
        int lpb = config.has("layers_per_block") ? config.get("layers_per_block").getAsInt() : 2;
        return new UNetLayout(lpb, attention(config, "down_block_types", "CrossAttnDownBlock2D", "DownBlock2D"),
                attention(config, "up_block_types", "CrossAttnUpBlock2D", "UpBlock2D"));
    }

    private static boolean[] attention(JsonObject config, String field, String withAttn, String plain) {
        if (!config.has(field) || !config.get(field).isJsonArray()) {
            throw new IllegalArgumentException("UNet config has no " + field);
        }
        JsonArray a = config.getAsJsonArray(field);
        boolean[] out = new boolean[a.size()];
        for (int i = 0; i < out.length; i++) {
            String t = a.get(i).getAsString();
            if (t.equals(withAttn)) {
                out[i] = true;
            } else if (!t.equals(plain)) {
                throw new IllegalArgumentException(field + "[" + i + "] = " + t
                        + " has no LDM single-file naming here (supported: " + withAttn + ", " + plain + ")");
            }
        }
        return out;
    }

    @Override
    public String toString() {
        return "UNetLayout[layersPerBlock=" + layersPerBlock + ", down=" + Arrays.toString(downAttention)
                + ", up=" + Arrays.toString(upAttention) + "]";
    }
}
