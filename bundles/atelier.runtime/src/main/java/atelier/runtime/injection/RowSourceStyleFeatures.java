package atelier.runtime.injection;

import java.util.Set;

import atelier.api.hooks.AttentionCall;

/**
 * Features recomputed in the same batch: the content query comes from the row labelled {@code contentRow},
 * the style key and value from {@code styleRow}, at the calls {@code when} accepts.
 */
public final class RowSourceStyleFeatures implements StyleFeatureSource {
    private final String contentRow;
    private final String styleRow;
    private final Set<Integer> timesteps;

    /**
     * @param timesteps the injected timesteps (an empty set means every timestep)
     */
    public RowSourceStyleFeatures(String contentRow, String styleRow, Set<Integer> timesteps) {
        this.contentRow = contentRow;
        this.styleRow = styleRow;
        this.timesteps = Set.copyOf(timesteps);
    }

    @Override
    public StyleFeatures at(AttentionCall call) {
        if (!timesteps.isEmpty() && !timesteps.contains(call.step().timestep())) {
            return null;
        }
        long batch = call.query().getShape().get(0);
        int c = BatchRows.row(call.step(), batch, contentRow);
        int s = BatchRows.row(call.step(), batch, styleRow);
        if (c < 0 || s < 0) {
            throw new IllegalStateException("recomputed features need batch rows '" + contentRow + "' and '"
                    + styleRow + "', the call has " + call.step().rows());
        }
        return new StyleFeatures(BatchRows.row(call.query(), c), BatchRows.row(call.key(), s),
                BatchRows.row(call.value(), s));
    }
}
