package atelier.api.hooks;

import org.osgi.annotation.versioning.ConsumerType;

/** Sees, and may change, one attention call. Installed per module path in a {@link HookSet}. */
@ConsumerType
@FunctionalInterface
public interface AttentionProcessor {
    void process(AttentionCall call) throws Exception;

    /** True if this processor replaces K or V (two such on one module are a conflict). */
    default boolean replacesKeyValue() { return false; }
}
