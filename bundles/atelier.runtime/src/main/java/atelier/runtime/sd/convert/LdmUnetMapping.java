package atelier.runtime.sd.convert;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * LDM ({@code model.diffusion_model.*}) ↔ diffusers {@code UNet2DConditionModel} names.
 * {@code input_blocks.0.0} is {@code conv_in}; {@code input_blocks.n} (n ≥ 1) is level {@code b = (n−1)/(L+1)},
 * slot {@code j = (n−1)%(L+1)}: slot &lt; L holds resnet {@code .0} and attention {@code .1}, slot L the
 * downsampler {@code .0.op}. {@code middle_block.0/1/2} are resnet 0, attention 0, resnet 1.
 * {@code output_blocks.n} is up level {@code n/(L+1)}, slot {@code n%(L+1)}: resnet {@code .0}, attention
 * {@code .1}, upsampler {@code .1} or {@code .2} (after an attention). Inside resnets {@code in_layers.0/2},
 * {@code emb_layers.1}, {@code out_layers.0/3}, {@code skip_connection} are {@code norm1}, {@code conv1},
 * {@code time_emb_proj}, {@code norm2}, {@code conv2}, {@code conv_shortcut}; transformer names are shared.
 */
public final class LdmUnetMapping implements KeyMapping {
    /** Prefix of the UNet in an LDM checkpoint. */
    public static final String PREFIX = "model.diffusion_model.";

    private static final Map<String, String> RESNET_TO_LDM = Map.of("norm1", "in_layers.0", "conv1", "in_layers.2",
            "time_emb_proj", "emb_layers.1", "norm2", "out_layers.0", "conv2", "out_layers.3",
            "conv_shortcut", "skip_connection");
    private static final Map<String, String> RESNET_FROM_LDM = Map.of("in_layers.0", "norm1", "in_layers.2",
            "conv1", "emb_layers.1", "time_emb_proj", "out_layers.0", "norm2", "out_layers.3", "conv2",
            "skip_connection", "conv_shortcut");
    private static final Map<String, String> TOP_TO_LDM = Map.of("conv_in", "input_blocks.0.0",
            "time_embedding.linear_1", "time_embed.0", "time_embedding.linear_2", "time_embed.2",
            "conv_norm_out", "out.0", "conv_out", "out.2");

    private static final Pattern DOWN = Pattern.compile("down_blocks\\.(\\d+)\\.(resnets|attentions)\\.(\\d+)\\.(.+)");
    private static final Pattern DOWNSAMPLE = Pattern.compile("down_blocks\\.(\\d+)\\.downsamplers\\.0\\.conv\\.(.+)");
    private static final Pattern UP = Pattern.compile("up_blocks\\.(\\d+)\\.(resnets|attentions)\\.(\\d+)\\.(.+)");
    private static final Pattern UPSAMPLE = Pattern.compile("up_blocks\\.(\\d+)\\.upsamplers\\.0\\.conv\\.(.+)");
    private static final Pattern MID = Pattern.compile("mid_block\\.(resnets|attentions)\\.(\\d+)\\.(.+)");
    private static final Pattern TOP = Pattern.compile("(conv_in|time_embedding\\.linear_[12]|conv_norm_out|conv_out)"
            + "\\.(weight|bias)");

    private static final Pattern L_INPUT = Pattern.compile("input_blocks\\.(\\d+)\\.(\\d+)\\.(.+)");
    private static final Pattern L_MIDDLE = Pattern.compile("middle_block\\.(\\d+)\\.(.+)");
    private static final Pattern L_OUTPUT = Pattern.compile("output_blocks\\.(\\d+)\\.(\\d+)\\.(.+)");
    private static final Pattern L_RESNET = Pattern.compile("(in_layers\\.[02]|emb_layers\\.1|out_layers\\.[03]"
            + "|skip_connection)\\.(.+)");
    private static final Pattern RESNET = Pattern.compile("(norm1|conv1|time_emb_proj|norm2|conv2|conv_shortcut)"
            + "\\.(.+)");

    private final UNetLayout layout;
    private final int slots;

    public LdmUnetMapping(UNetLayout layout) {
        this.layout = layout;
        this.slots = layout.layersPerBlock() + 1;
    }

    public UNetLayout layout() { return layout; }

    @Override
    public String toSource(String t) {
        String ldm = toLdm(t);
        return ldm == null ? null : PREFIX + ldm;
    }

    private String toLdm(String t) {
        int lpb = layout.layersPerBlock();
        int n = layout.blocks();
        Matcher m = TOP.matcher(t);
        if (m.matches()) {
            return TOP_TO_LDM.get(m.group(1)) + "." + m.group(2);
        }
        m = DOWN.matcher(t);
        if (m.matches()) {
            int b = Integer.parseInt(m.group(1));
            int j = Integer.parseInt(m.group(3));
            boolean attn = m.group(2).equals("attentions");
            if (b >= n || j >= lpb || (attn && !layout.downHasAttention(b))) {
                return null;
            }
            String inner = attn ? m.group(4) : resnetToLdm(m.group(4));
            return inner == null ? null : "input_blocks." + (1 + b * slots + j) + "." + (attn ? 1 : 0) + "." + inner;
        }
        m = DOWNSAMPLE.matcher(t);
        if (m.matches()) {
            int b = Integer.parseInt(m.group(1));
            return b >= n - 1 ? null : "input_blocks." + (1 + b * slots + lpb) + ".0.op." + m.group(2);
        }
        m = MID.matcher(t);
        if (m.matches()) {
            int j = Integer.parseInt(m.group(2));
            if (m.group(1).equals("attentions")) {
                return j == 0 ? "middle_block.1." + m.group(3) : null;
            }
            String inner = resnetToLdm(m.group(3));
            return j > 1 || inner == null ? null : "middle_block." + (j == 0 ? 0 : 2) + "." + inner;
        }
        m = UP.matcher(t);
        if (m.matches()) {
            int b = Integer.parseInt(m.group(1));
            int j = Integer.parseInt(m.group(3));
            boolean attn = m.group(2).equals("attentions");
            if (b >= n || j > lpb || (attn && !layout.upHasAttention(b))) {
                return null;
            }
            String inner = attn ? m.group(4) : resnetToLdm(m.group(4));
            return inner == null ? null : "output_blocks." + (b * slots + j) + "." + (attn ? 1 : 0) + "." + inner;
        }
        m = UPSAMPLE.matcher(t);
        if (m.matches()) {
            int b = Integer.parseInt(m.group(1));
            if (b >= n - 1) {
                return null;
            }
            return "output_blocks." + (b * slots + lpb) + "." + (layout.upHasAttention(b) ? 2 : 1) + ".conv."
                    + m.group(2);
        }
        return null;
    }

    private static String resnetToLdm(String inner) {
        Matcher m = RESNET.matcher(inner);
        return m.matches() ? RESNET_TO_LDM.get(m.group(1)) + "." + m.group(2) : null;
    }

    private static String resnetFromLdm(String inner) {
        Matcher m = L_RESNET.matcher(inner);
        return m.matches() ? RESNET_FROM_LDM.get(m.group(1)) + "." + m.group(2) : null;
    }

    @Override
    public String toTarget(String source) {
        if (!source.startsWith(PREFIX)) {
            return null;
        }
        String s = source.substring(PREFIX.length());
        for (Map.Entry<String, String> e : TOP_TO_LDM.entrySet()) {
            if (s.startsWith(e.getValue() + ".")) {
                return e.getKey() + s.substring(e.getValue().length());
            }
        }
        int lpb = layout.layersPerBlock();
        Matcher m = L_INPUT.matcher(s);
        if (m.matches()) {
            int idx = Integer.parseInt(m.group(1)) - 1;
            int sub = Integer.parseInt(m.group(2));
            if (idx < 0) {
                return null;
            }
            int b = idx / slots;
            int j = idx % slots;
            if (b >= layout.blocks()) {
                return null;
            }
            if (j < lpb) {
                if (sub == 0) {
                    String inner = resnetFromLdm(m.group(3));
                    return inner == null ? null : "down_blocks." + b + ".resnets." + j + "." + inner;
                }
                return sub == 1 ? "down_blocks." + b + ".attentions." + j + "." + m.group(3) : null;
            }
            if (sub == 0 && m.group(3).startsWith("op.")) {
                return "down_blocks." + b + ".downsamplers.0.conv." + m.group(3).substring(3);
            }
            return null;
        }
        m = L_MIDDLE.matcher(s);
        if (m.matches()) {
            int i = Integer.parseInt(m.group(1));
            if (i == 1) {
                return "mid_block.attentions.0." + m.group(2);
            }
            String inner = resnetFromLdm(m.group(2));
            return inner == null || i > 2 ? null : "mid_block.resnets." + (i == 0 ? 0 : 1) + "." + inner;
        }
        m = L_OUTPUT.matcher(s);
        if (m.matches()) {
            int idx = Integer.parseInt(m.group(1));
            int sub = Integer.parseInt(m.group(2));
            int b = idx / slots;
            int j = idx % slots;
            if (b >= layout.blocks()) {
                return null;
            }
            String rest = m.group(3);
            if (sub == 0) {
                String inner = resnetFromLdm(rest);
                return inner == null ? null : "up_blocks." + b + ".resnets." + j + "." + inner;
            }
            if (sub == 1 && layout.upHasAttention(b)) {
                return "up_blocks." + b + ".attentions." + j + "." + rest;
            }
            if (j == lpb && rest.startsWith("conv.") && sub == (layout.upHasAttention(b) ? 2 : 1)) {
                return "up_blocks." + b + ".upsamplers.0.conv." + rest.substring(5);
            }
        }
        return null;
    }
}
