package atelier.pipeline.diffusion;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import atelier.runtime.unet.UNet2DConditionModel;

/**
 * Decoder self-attention layers named as the LDM/CompVis code counts them: output block {@code i} is
 * {@code up_blocks[i / n].attentions[i % n]} with n = layers_per_block + 1 (so for SD 1.x, 6–11 are the six
 * self-attention layers of {@code up_blocks.2} and {@code up_blocks.3}). A spec is a list like
 * {@code 6-11} or {@code 4,5,9}; full diffusers paths ending in {@code attn1} are accepted too.
 */
public final class DecoderLayers {
    private DecoderLayers() { }

    /**
     * The {@code …transformer_blocks.K.attn1} paths of the listed output blocks (every transformer block of
     * each).
     *
     * @throws IllegalArgumentException naming the parameter, the bad entry and the valid block indices
     */
    public static List<String> selfAttention(String spec, UNet2DConditionModel unet, String parameter) {
        Set<String> attn = unet.attentionPaths();
        int per = unet.config().layersPerBlock() + 1;
        List<String> out = new ArrayList<>();
        Set<Integer> blocks = new LinkedHashSet<>();
        for (String raw : spec.split(",")) {
            String e = raw.trim();
            if (e.isEmpty()) {
                continue;
            }
            if (e.endsWith("attn1")) {
                if (!attn.contains(e)) {
                    throw new IllegalArgumentException(parameter + ": the model has no self-attention '" + e + "'");
                }
                out.add(e);
                continue;
            }
            try {
                String[] r = e.split("-");
                int a = Integer.parseInt(r[0].trim());
                int b = r.length > 1 ? Integer.parseInt(r[1].trim()) : a;
                if (r.length > 2 || a > b || a < 0) {
                    throw new NumberFormatException();
                }
                for (int i = a; i <= b; i++) {
                    blocks.add(i);
                }
            } catch (NumberFormatException ex) {
                throw new IllegalArgumentException(parameter + ": '" + e + "' is not an output-block index or range"
                        + " (e.g. 6-11 or 4,5,9)");
            }
        }
        for (int i : blocks) {
            String prefix = "up_blocks." + (i / per) + ".attentions." + (i % per) + ".transformer_blocks.";
            List<String> found = new ArrayList<>();
            for (String p : attn) {
                if (p.startsWith(prefix) && p.endsWith(".attn1")) {
                    found.add(p);
                }
            }
            if (found.isEmpty()) {
                throw new IllegalArgumentException(parameter + ": output block " + i + " has no self-attention in"
                        + " this model; valid blocks: " + valid(unet));
            }
            out.addAll(found);
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException(parameter + ": no layers given; valid blocks: " + valid(unet));
        }
        return List.copyOf(new LinkedHashSet<>(out));
    }

    /** The output-block indices that have self-attention. */
    public static Set<Integer> valid(UNet2DConditionModel unet) {
        int per = unet.config().layersPerBlock() + 1;
        Set<Integer> v = new TreeSet<>();
        for (String p : unet.attentionPaths()) {
            if (p.startsWith("up_blocks.") && p.endsWith(".attn1")) {
                String[] s = p.split("\\.");
                v.add(Integer.parseInt(s[1]) * per + Integer.parseInt(s[3]));
            }
        }
        return v;
    }
}
