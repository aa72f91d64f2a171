package atelier.runtime.sd.convert;

/**
 * LDM SD 1.x text encoder ({@code cond_stage_model.transformer.*}, a Hugging Face {@code CLIPTextModel}) ↔
 * transformers names ({@code text_model.*}). Older checkpoints omit the {@code text_model.} level; both are read.
 */
public final class LdmClipMapping implements KeyMapping {
    /** Prefix of the text encoder in an SD 1.x LDM checkpoint. */
    public static final String PREFIX = "cond_stage_model.transformer.";

    private final boolean nested;

    /** @param nested whether the checkpoint writes {@code cond_stage_model.transformer.text_model.*} */
    public LdmClipMapping(boolean nested) {
        this.nested = nested;
    }

    /** Picks the variant a checkpoint uses from one of its keys. */
    public static LdmClipMapping detect(java.util.Set<String> keys) {
        return new LdmClipMapping(keys.stream().anyMatch(k -> k.startsWith(PREFIX + "text_model.")));
    }

    @Override
    public String toSource(String t) {
        if (!t.startsWith("text_model.")) {
            return null;
        }
        return nested ? PREFIX + t : PREFIX + t.substring("text_model.".length());
    }

    @Override
    public String toTarget(String source) {
        if (!source.startsWith(PREFIX)) {
            return null;
        }
        String s = source.substring(PREFIX.length());
        if (nested) {
            return s.startsWith("text_model.") ? s : null;
        }
        return s.startsWith("text_model.") ? null : "text_model." + s;
    }
}
