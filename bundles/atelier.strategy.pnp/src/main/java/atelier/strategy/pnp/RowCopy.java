package atelier.strategy.pnp;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import ai.djl.ndarray.NDArray;
import atelier.api.hooks.StepInfo;
import atelier.runtime.injection.BatchRows;

/** Puts one source tensor ({@code [1, …]}) into every target row of a batch tensor, keeping source rows. */
final class RowCopy {
    private RowCopy() { }

    static NDArray into(NDArray batch, NDArray source, StepInfo step, Set<String> sourceRows) {
        long b = batch.getShape().get(0);
        List<Integer> targets = BatchRows.targets(step, b, sourceRows);
        List<NDArray> rows = new ArrayList<>();
        for (int i = 0; i < b; i++) {
            rows.add(targets.contains(i) ? source : BatchRows.row(batch, i));
        }
        return BatchRows.stack(rows);
    }
}
