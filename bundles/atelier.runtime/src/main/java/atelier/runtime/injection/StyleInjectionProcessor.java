package atelier.runtime.injection;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

import ai.djl.ndarray.NDArray;
import atelier.api.hooks.AttentionCall;
import atelier.api.hooks.AttentionProcessor;

/**
 * StyleID's self-attention rule (Chung et al., CVPR 2024): in a call where the {@link StyleFeatureSource} has
 * features, every target row gets the query {@code Q̃ = γ·Q_content + (1−γ)·Q_current}, the style's key and
 * value, and logits multiplied by the temperature τ; rows labelled as sources (e.g. {@code content},
 * {@code style} when their features are recomputed in the same batch) keep their own projections and their
 * plain logits.
 *
 * <p>τ is folded into the target rows' query ({@code softmax(τ·Q̃Kᵀ/√d) = softmax((τQ̃)Kᵀ/√d)}), so that it
 * never touches source rows computed in the same call. Steps and layers without features (the source returns
 * null) run unchanged: τ applies only where features are injected.
 */
public final class StyleInjectionProcessor implements AttentionProcessor {
    private final double gamma;
    private final double tau;
    private final StyleFeatureSource source;
    private final Set<String> sourceRows;

    /**
     * @param gamma      query preservation γ in [0, 1]
     * @param tau        attention temperature τ &gt; 0
     * @param source     the content query and style key/value per call
     * @param sourceRows labels of batch rows that are feature sources and must not be changed (may be empty)
     */
    public StyleInjectionProcessor(double gamma, double tau, StyleFeatureSource source, Set<String> sourceRows) {
        if (!(gamma >= 0 && gamma <= 1)) {
            throw new IllegalArgumentException("gamma (query preservation γ) must be in [0, 1], got " + gamma);
        }
        if (!(tau > 0) || !Double.isFinite(tau)) {
            throw new IllegalArgumentException("tau (temperature τ) must be a positive number, got " + tau);
        }
        this.gamma = gamma;
        this.tau = tau;
        this.source = Objects.requireNonNull(source, "source");
        this.sourceRows = Set.copyOf(sourceRows);
    }

    public double gamma() { return gamma; }

    public double tau() { return tau; }

    @Override
    public void process(AttentionCall call) throws Exception {
        StyleFeatures f = source.at(call);
        if (f == null) {
            return;
        }
        NDArray q = call.query();
        long batch = q.getShape().get(0);
        List<Integer> targets = BatchRows.targets(call.step(), batch, sourceRows);
        if (targets.isEmpty()) {
            return;
        }
        List<NDArray> qs = new ArrayList<>();
        List<NDArray> ks = new ArrayList<>();
        List<NDArray> vs = new ArrayList<>();
        int ordinal = 0;
        for (int i = 0; i < batch; i++) {
            NDArray qi = BatchRows.row(q, i);
            if (targets.contains(i)) {
                NDArray qc = BatchRows.matched(f.contentQuery(), ordinal, targets.size(), "content query");
                NDArray ks0 = BatchRows.matched(f.styleKey(), ordinal, targets.size(), "style key");
                NDArray vs0 = BatchRows.matched(f.styleValue(), ordinal, targets.size(), "style value");
                ordinal++;
                NDArray mixed = qc.mul((float) gamma).addi(qi.mul((float) (1 - gamma)));
                qs.add(tau == 1.0 ? mixed : mixed.muli((float) tau));
                ks.add(ks0);
                vs.add(vs0);
            } else {
                qs.add(qi);
                ks.add(BatchRows.row(call.key(), i));
                vs.add(BatchRows.row(call.value(), i));
            }
        }
        call.setQuery(BatchRows.stack(qs));
        call.setKey(BatchRows.stack(ks));
        call.setValue(BatchRows.stack(vs));
    }

    @Override
    public boolean replacesKeyValue() { return true; }

    @Override
    public String toString() { return "StyleInjectionProcessor[γ=" + gamma + ", τ=" + tau + "]"; }
}
