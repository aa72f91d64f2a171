package atelier.runtime.injection;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import atelier.api.hooks.StepInfo;

/**
 * Batch-row helpers for processors that copy features between labelled rows (e.g. {@code ["source", "uncond",
 * "cond"]}): which rows are targets, one row as {@code [1, …]}, rows put back together.
 */
public final class BatchRows {
    private BatchRows() { }

    /**
     * Indices of the rows whose label is not in {@code sourceLabels}. When the step carries no labels for this
     * batch (or a different count), every row is a target.
     */
    public static List<Integer> targets(StepInfo step, long batch, Collection<String> sourceLabels) {
        List<Integer> out = new ArrayList<>();
        List<String> rows = step == null ? List.of() : step.rows();
        for (int i = 0; i < batch; i++) {
            if (rows.size() != batch || !sourceLabels.contains(rows.get(i))) {
                out.add(i);
            }
        }
        return out;
    }

    /** Index of the row labelled {@code label}, or -1 (also when the labels do not describe this batch). */
    public static int row(StepInfo step, long batch, String label) {
        if (step == null || step.rows().size() != batch) {
            return -1;
        }
        return step.row(label);
    }

    /** Row {@code i} of {@code a} as {@code [1, …]} (a view in {@code a}'s manager). */
    public static NDArray row(NDArray a, int i) {
        return a.get(new NDIndex("{}:{}", i, i + 1));
    }

    /**
     * Row {@code r} of a feature with either one row (broadcast) or {@code targets} rows (matched by target
     * ordinal {@code r}).
     *
     * @throws IllegalArgumentException naming {@code what} and both counts otherwise
     */
    public static NDArray matched(NDArray feature, int r, int targets, String what) {
        long n = feature.getShape().get(0);
        if (n == 1) {
            return feature;
        }
        if (n != targets) {
            throw new IllegalArgumentException(what + " has " + n + " rows but the call has " + targets
                    + " target rows (give 1 row to broadcast, or one per target row)");
        }
        return row(feature, r);
    }

    /** Concatenates rows along axis 0. */
    public static NDArray stack(List<NDArray> rows) {
        return rows.size() == 1 ? rows.get(0) : NDArrays.concat(new NDList(rows), 0);
    }
}
