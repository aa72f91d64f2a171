package atelier.runtime.sd.convert;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * SD 2.x LDM text encoder (OpenCLIP, {@code cond_stage_model.model.*}) ↔ transformers {@code CLIPTextModel}
 * names. {@code resblocks.i.attn.in_proj_weight/bias} hold q, k and v stacked along the rows and are presented
 * as {@code q_proj}, {@code k_proj}, {@code v_proj} (row blocks 0, 1, 2); {@code ln_1/ln_2} are
 * {@code layer_norm1/2}, {@code mlp.c_fc/c_proj} are {@code mlp.fc1/fc2}, {@code ln_final} is
 * {@code final_layer_norm}, {@code positional_embedding} is the position embedding table. SD 2.x conditions on
 * the penultimate layer: a 23-layer config simply never asks for {@code resblocks.23};
 * {@code text_projection} and {@code logit_scale} are not used.
 */
public final class LdmOpenClipMapping implements KeyMapping {
    /** Prefix of the OpenCLIP text tower in an SD 2.x LDM checkpoint. */
    public static final String PREFIX = "cond_stage_model.model.";

    private static final Pattern T_LAYER = Pattern.compile("text_model\\.encoder\\.layers\\.(\\d+)\\.(.+)");
    private static final Pattern S_LAYER = Pattern.compile("transformer\\.resblocks\\.(\\d+)\\.(.+)");
    private static final List<String> QKV = List.of("q_proj", "k_proj", "v_proj");

    @Override
    public String toSource(String t) {
        switch (t) {
            case "text_model.embeddings.token_embedding.weight":
                return PREFIX + "token_embedding.weight";
            case "text_model.embeddings.position_embedding.weight":
                return PREFIX + "positional_embedding";
            case "text_model.final_layer_norm.weight":
                return PREFIX + "ln_final.weight";
            case "text_model.final_layer_norm.bias":
                return PREFIX + "ln_final.bias";
            default:
                break;
        }
        Matcher m = T_LAYER.matcher(t);
        if (!m.matches()) {
            return null;
        }
        String inner = layerToSource(m.group(2));
        return inner == null ? null : PREFIX + "transformer.resblocks." + m.group(1) + "." + inner;
    }

    private static String layerToSource(String inner) {
        String[] p = inner.split("\\.");
        if (p.length == 2) {
            return switch (p[0]) {
                case "layer_norm1" -> "ln_1." + p[1];
                case "layer_norm2" -> "ln_2." + p[1];
                default -> null;
            };
        }
        if (p.length != 3) {
            return null;
        }
        if (p[0].equals("self_attn")) {
            if (QKV.contains(p[1])) {
                return p[2].equals("weight") ? "attn.in_proj_weight" : "attn.in_proj_bias";
            }
            return p[1].equals("out_proj") ? "attn.out_proj." + p[2] : null;
        }
        if (p[0].equals("mlp")) {
            return switch (p[1]) {
                case "fc1" -> "mlp.c_fc." + p[2];
                case "fc2" -> "mlp.c_proj." + p[2];
                default -> null;
            };
        }
        return null;
    }

    @Override
    public int[] rowBlock(String target) {
        Matcher m = T_LAYER.matcher(target);
        if (m.matches()) {
            String[] p = m.group(2).split("\\.");
            if (p.length == 3 && p[0].equals("self_attn") && QKV.contains(p[1])) {
                return new int[] {QKV.indexOf(p[1]), 3};
            }
        }
        return null;
    }

    @Override
    public String toTarget(String source) {
        List<String> all = toTargets(source);
        return all.isEmpty() ? null : all.get(0);
    }

    @Override
    public List<String> toTargets(String source) {
        if (!source.startsWith(PREFIX)) {
            return List.of();
        }
        String s = source.substring(PREFIX.length());
        switch (s) {
            case "token_embedding.weight":
                return List.of("text_model.embeddings.token_embedding.weight");
            case "positional_embedding":
                return List.of("text_model.embeddings.position_embedding.weight");
            case "ln_final.weight":
                return List.of("text_model.final_layer_norm.weight");
            case "ln_final.bias":
                return List.of("text_model.final_layer_norm.bias");
            default:
                break;
        }
        Matcher m = S_LAYER.matcher(s);
        if (!m.matches()) {
            return List.of();
        }
        String layer = "text_model.encoder.layers." + m.group(1) + ".";
        String inner = m.group(2);
        if (inner.equals("attn.in_proj_weight") || inner.equals("attn.in_proj_bias")) {
            String kind = inner.endsWith("weight") ? "weight" : "bias";
            return QKV.stream().map(q -> layer + "self_attn." + q + "." + kind).toList();
        }
        String[] p = inner.split("\\.");
        if (p.length != 3 && p.length != 2) {
            return List.of();
        }
        String t = switch (p[0]) {
            case "ln_1" -> p.length == 2 ? "layer_norm1." + p[1] : null;
            case "ln_2" -> p.length == 2 ? "layer_norm2." + p[1] : null;
            case "attn" -> p.length == 3 && p[1].equals("out_proj") ? "self_attn.out_proj." + p[2] : null;
            case "mlp" -> p.length == 3 && p[1].equals("c_fc") ? "mlp.fc1." + p[2]
                    : p.length == 3 && p[1].equals("c_proj") ? "mlp.fc2." + p[2] : null;
            default -> null;
        };
        return t == null ? List.of() : List.of(layer + t);
    }
}
