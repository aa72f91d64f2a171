package atelier.runtime.sd.convert;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * LDM ({@code first_stage_model.*}) ↔ diffusers {@code AutoencoderKL} names. {@code encoder.down.i.block.j}
 * is {@code encoder.down_blocks.i.resnets.j}, {@code decoder.up.k} is {@code decoder.up_blocks.(n−1−k)} (LDM
 * counts decoder levels from the lowest resolution), {@code mid.block_1/2} are {@code mid_block.resnets.0/1},
 * {@code mid.attn_1.{norm,q,k,v,proj_out}} are {@code mid_block.attentions.0.{group_norm,to_q,to_k,to_v,to_out.0}}
 * (stored as 1×1 convolutions, presented as linear weights), {@code norm_out} is {@code conv_norm_out},
 * {@code nin_shortcut} is {@code conv_shortcut}.
 */
public final class LdmVaeMapping implements KeyMapping {
    /** Prefix of the autoencoder in an LDM checkpoint. */
    public static final String PREFIX = "first_stage_model.";

    private static final Map<String, String> ATTN_TO_LDM = Map.of("group_norm", "norm", "to_q", "q", "to_k", "k",
            "to_v", "v", "to_out.0", "proj_out");
    private static final Map<String, String> ATTN_FROM_LDM = Map.of("norm", "group_norm", "q", "to_q", "k", "to_k",
            "v", "to_v", "proj_out", "to_out.0");

    private static final Pattern D_TOP = Pattern.compile("(encoder|decoder)\\.(conv_in|conv_out|conv_norm_out)\\.(.+)");
    private static final Pattern D_QUANT = Pattern.compile("(quant_conv|post_quant_conv)\\.(weight|bias)");
    private static final Pattern D_BLOCK = Pattern.compile("(encoder\\.down|decoder\\.up)_blocks\\.(\\d+)\\.resnets"
            + "\\.(\\d+)\\.(norm1|conv1|norm2|conv2|conv_shortcut)\\.(.+)");
    private static final Pattern D_SAMPLE = Pattern.compile("(encoder\\.down|decoder\\.up)_blocks\\.(\\d+)\\."
            + "(downsamplers|upsamplers)\\.0\\.conv\\.(.+)");
    private static final Pattern D_MID_RES = Pattern.compile("(encoder|decoder)\\.mid_block\\.resnets\\.([01])\\.(.+)");
    private static final Pattern D_MID_ATTN = Pattern.compile("(encoder|decoder)\\.mid_block\\.attentions\\.0\\."
            + "(group_norm|to_q|to_k|to_v|to_out\\.0)\\.(weight|bias)");

    private static final Pattern L_TOP = Pattern.compile("(encoder|decoder)\\.(conv_in|conv_out|norm_out)\\.(.+)");
    private static final Pattern L_BLOCK = Pattern.compile("(encoder\\.down|decoder\\.up)\\.(\\d+)\\.block\\.(\\d+)\\."
            + "(norm1|conv1|norm2|conv2|nin_shortcut)\\.(.+)");
    private static final Pattern L_SAMPLE = Pattern.compile("(encoder\\.down|decoder\\.up)\\.(\\d+)\\."
            + "(downsample|upsample)\\.conv\\.(.+)");
    private static final Pattern L_MID_RES = Pattern.compile("(encoder|decoder)\\.mid\\.block_([12])\\.(.+)");
    private static final Pattern L_MID_ATTN = Pattern.compile("(encoder|decoder)\\.mid\\.attn_1\\."
            + "(norm|q|k|v|proj_out)\\.(weight|bias)");

    private final int blocks;

    /** @param blocks number of resolution levels ({@code len(block_out_channels)}, 4 for SD) */
    public LdmVaeMapping(int blocks) {
        if (blocks < 1) {
            throw new IllegalArgumentException("a VAE needs at least one level, was " + blocks);
        }
        this.blocks = blocks;
    }

    @Override
    public String toSource(String t) {
        Matcher m = D_TOP.matcher(t);
        if (m.matches()) {
            String name = m.group(2).equals("conv_norm_out") ? "norm_out" : m.group(2);
            return PREFIX + m.group(1) + "." + name + "." + m.group(3);
        }
        m = D_QUANT.matcher(t);
        if (m.matches()) {
            return PREFIX + t;
        }
        m = D_BLOCK.matcher(t);
        if (m.matches()) {
            int level = level(m.group(1), Integer.parseInt(m.group(2)));
            String part = m.group(4).equals("conv_shortcut") ? "nin_shortcut" : m.group(4);
            return level < 0 ? null : PREFIX + ldmSide(m.group(1)) + "." + level + ".block." + m.group(3) + "."
                    + part + "." + m.group(5);
        }
        m = D_SAMPLE.matcher(t);
        if (m.matches()) {
            int level = level(m.group(1), Integer.parseInt(m.group(2)));
            String op = m.group(3).equals("downsamplers") ? "downsample" : "upsample";
            return level < 0 ? null : PREFIX + ldmSide(m.group(1)) + "." + level + "." + op + ".conv." + m.group(4);
        }
        m = D_MID_RES.matcher(t);
        if (m.matches()) {
            return PREFIX + m.group(1) + ".mid.block_" + (Integer.parseInt(m.group(2)) + 1) + "." + m.group(3);
        }
        m = D_MID_ATTN.matcher(t);
        if (m.matches()) {
            return PREFIX + m.group(1) + ".mid.attn_1." + ATTN_TO_LDM.get(m.group(2)) + "." + m.group(3);
        }
        return null;
    }

    @Override
    public String toTarget(String source) {
        if (!source.startsWith(PREFIX)) {
            return null;
        }
        String s = source.substring(PREFIX.length());
        Matcher m = L_TOP.matcher(s);
        if (m.matches()) {
            String name = m.group(2).equals("norm_out") ? "conv_norm_out" : m.group(2);
            return m.group(1) + "." + name + "." + m.group(3);
        }
        m = D_QUANT.matcher(s);
        if (m.matches()) {
            return s;
        }
        m = L_BLOCK.matcher(s);
        if (m.matches()) {
            String side = m.group(1).equals("encoder.down") ? "encoder.down" : "decoder.up";
            int level = level(side, Integer.parseInt(m.group(2)));
            String part = m.group(4).equals("nin_shortcut") ? "conv_shortcut" : m.group(4);
            return level < 0 ? null : side + "_blocks." + level + ".resnets." + m.group(3) + "." + part + "."
                    + m.group(5);
        }
        m = L_SAMPLE.matcher(s);
        if (m.matches()) {
            int level = level(m.group(1), Integer.parseInt(m.group(2)));
            String op = m.group(3).equals("downsample") ? "downsamplers" : "upsamplers";
            return level < 0 ? null : m.group(1) + "_blocks." + level + "." + op + ".0.conv." + m.group(4);
        }
        m = L_MID_RES.matcher(s);
        if (m.matches()) {
            return m.group(1) + ".mid_block.resnets." + (Integer.parseInt(m.group(2)) - 1) + "." + m.group(3);
        }
        m = L_MID_ATTN.matcher(s);
        if (m.matches()) {
            return m.group(1) + ".mid_block.attentions.0." + ATTN_FROM_LDM.get(m.group(2)) + "." + m.group(3);
        }
        return null;
    }

    /** Encoder levels keep their index; decoder levels are counted from the other end. */
    private int level(String side, int i) {
        if (i < 0 || i >= blocks) {
            return -1;
        }
        return side.startsWith("decoder") ? blocks - 1 - i : i;
    }

    private static String ldmSide(String diffusersSide) {
        return diffusersSide.equals("encoder.down") ? "encoder.down" : "decoder.up";
    }

    /** Attention projections are 1×1 convolutions {@code [C, C, 1, 1]} in LDM files, linear {@code [C, C]} here. */
    @Override
    public long[] targetShape(String target, long[] sourceShape) {
        boolean projection = target.contains(".mid_block.attentions.0.to_") && target.endsWith(".weight");
        if (projection && sourceShape.length == 4 && sourceShape[2] == 1 && sourceShape[3] == 1) {
            return new long[] {sourceShape[0], sourceShape[1]};
        }
        return sourceShape;
    }
}
