package atelier.runtime.sd.convert;

/**
 * Translates tensor names between a checkpoint's naming (the source) and diffusers' (the target), in both
 * directions, one key at a time. A target may also be a block of rows of a source tensor (fused projections).
 */
public interface KeyMapping {
    /** The checkpoint key holding a diffusers tensor, or null if that tensor has no counterpart. */
    String toSource(String target);

    /**
     * The diffusers name of a checkpoint key, or null if the key belongs to no tensor of this component. For a
     * fused source holding several targets, the first of them.
     */
    String toTarget(String source);

    /** Every diffusers name a checkpoint key provides (default: {@link #toTarget}, if any). */
    default java.util.List<String> toTargets(String source) {
        String t = toTarget(source);
        return t == null ? java.util.List.of() : java.util.List.of(t);
    }

    /**
     * Which block of rows (along the first axis) of the source tensor holds the target: {@code {part, parts}}
     * for "part i of n equal blocks", or null for the whole tensor.
     */
    default int[] rowBlock(String target) { return null; }

    /** The diffusers shape of a tensor stored with {@code sourceShape} (default: the same). */
    default long[] targetShape(String target, long[] sourceShape) { return sourceShape; }
}
