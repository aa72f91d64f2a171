package atelier.runtime.verify;

import java.util.Set;

import atelier.api.hooks.AttentionCall;
import atelier.api.hooks.AttentionProcessor;

/**
 * Records the projections of self-attention calls into a {@link FeatureBank} by step index: {@code "q"},
 * {@code "k"}, {@code "v"} (after {@code to_q/to_k/to_v}, before the head split). Changes nothing.
 */
public final class ProjectionRecorder implements AttentionProcessor {
    private final FeatureBank bank;
    private final Set<String> kinds;

    /** @param kinds any of "q", "k", "v" */
    public ProjectionRecorder(FeatureBank bank, Set<String> kinds) {
        for (String k : kinds) {
            if (!Set.of("q", "k", "v").contains(k)) {
                throw new IllegalArgumentException("unknown projection '" + k + "' (expected q, k or v)");
            }
        }
        this.bank = bank;
        this.kinds = Set.copyOf(kinds);
    }

    @Override
    public void process(AttentionCall call) {
        if (!call.isSelfAttention()) {
            return;
        }
        int i = call.step().index();
        if (kinds.contains("q")) {
            bank.put(call.path(), "q", i, call.query(), call.step().rows());
        }
        if (kinds.contains("k")) {
            bank.put(call.path(), "k", i, call.key(), call.step().rows());
        }
        if (kinds.contains("v")) {
            bank.put(call.path(), "v", i, call.value(), call.step().rows());
        }
    }

    @Override
    public String toString() { return "ProjectionRecorder" + kinds; }
}
