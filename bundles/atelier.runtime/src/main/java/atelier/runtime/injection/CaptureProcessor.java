package atelier.runtime.injection;

import java.util.EnumSet;
import java.util.Set;

import ai.djl.ndarray.NDArray;
import atelier.api.hooks.AttentionCall;
import atelier.api.hooks.AttentionProcessor;
import atelier.api.hooks.FeatureCall;
import atelier.api.hooks.FeatureProcessor;

/**
 * Hands features of one batch row (or all rows) to a {@link FeatureSink} without changing anything: the
 * attention projections ({@link FeatureKind#QUERY}, {@link FeatureKind#KEY}, {@link FeatureKind#VALUE}) or a
 * module output ({@link FeatureKind#RESIDUAL}), keyed by module path and the call's timestep.
 */
public final class CaptureProcessor implements AttentionProcessor, FeatureProcessor {
    private final Set<FeatureKind> kinds;
    private final String rowLabel;
    private final FeatureSink sink;

    /**
     * @param kinds    what to capture
     * @param rowLabel the batch row to capture, or null for every row
     * @param sink     receives the arrays (it must copy what it keeps)
     */
    public CaptureProcessor(Set<FeatureKind> kinds, String rowLabel, FeatureSink sink) {
        this.kinds = kinds.isEmpty() ? EnumSet.noneOf(FeatureKind.class) : EnumSet.copyOf(kinds);
        this.rowLabel = rowLabel;
        this.sink = sink;
    }

    @Override
    public void process(AttentionCall call) {
        long batch = call.query().getShape().get(0);
        int t = call.step().timestep();
        if (kinds.contains(FeatureKind.HIDDEN)) {
            sink.accept(call.path(), FeatureKind.HIDDEN, t, pick(call.hiddenStates(), batch, call.step()));
        }
        if (kinds.contains(FeatureKind.QUERY)) {
            sink.accept(call.path(), FeatureKind.QUERY, t, pick(call.query(), batch, call.step()));
        }
        if (kinds.contains(FeatureKind.KEY)) {
            sink.accept(call.path(), FeatureKind.KEY, t, pick(call.key(), batch, call.step()));
        }
        if (kinds.contains(FeatureKind.VALUE)) {
            sink.accept(call.path(), FeatureKind.VALUE, t, pick(call.value(), batch, call.step()));
        }
    }

    @Override
    public void process(FeatureCall call) {
        if (kinds.contains(FeatureKind.RESIDUAL)) {
            NDArray out = call.output();
            sink.accept(call.path(), FeatureKind.RESIDUAL, call.step().timestep(),
                    pick(out, out.getShape().get(0), call.step()));
        }
    }

    private NDArray pick(NDArray a, long batch, atelier.api.hooks.StepInfo step) {
        if (rowLabel == null) {
            return a;
        }
        int r = BatchRows.row(step, batch, rowLabel);
        if (r < 0) {
            throw new IllegalStateException("no batch row labelled '" + rowLabel + "' in " + step.rows());
        }
        return BatchRows.row(a, r);
    }

    @Override
    public String toString() { return "CaptureProcessor" + kinds + (rowLabel == null ? "" : "@" + rowLabel); }
}
