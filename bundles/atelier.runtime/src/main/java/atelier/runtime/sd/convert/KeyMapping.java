package atelier.runtime.sd.convert;

/**
 * Translates tensor names between a checkpoint's naming (the source) and diffusers' (the target), in both
 * directions, one key at a time.
 */
public interface KeyMapping {
    /** The checkpoint key holding a diffusers tensor, or null if that tensor has no counterpart. */
    String toSource(String target);

    /** The diffusers name of a checkpoint key, or null if the key belongs to no tensor of this component. */
    String toTarget(String source);

    /** The diffusers shape of a tensor stored with {@code sourceShape} (default: the same). */
    default long[] targetShape(String target, long[] sourceShape) { return sourceShape; }
}
