package atelier.strategy.pnp;

import java.util.Set;

import ai.djl.ndarray.NDArray;
import atelier.api.hooks.AttentionCall;
import atelier.api.hooks.AttentionProcessor;
import atelier.runtime.injection.AttentionProjections;
import atelier.runtime.injection.FeatureKind;

/**
 * PnP's self-attention injection: the queries and keys of every target row become the source's (values stay
 * the row's own), at the steps whose index is below τ_A. With a stored source the layer's input is kept and Q, K are
 * projected from it at generation.
 */
public final class QueryKeyInjection implements AttentionProcessor {
    private final int tauA;
    private final SourceFeature source;
    private final Set<String> sourceRows;
    private final boolean fromHidden;

    /** Q and K straight from {@code source} (the source row of the batch, or stored Q and K). */
    public QueryKeyInjection(int tauA, SourceFeature source, Set<String> sourceRows) {
        this(tauA, source, sourceRows, false);
    }

    /**
     * @param fromHidden {@code source} gives the layer's input ({@link FeatureKind#HIDDEN}); Q and K are projected
     *                   from it with the layer's own weights (half the memory of storing Q and K)
     */
    public QueryKeyInjection(int tauA, SourceFeature source, Set<String> sourceRows, boolean fromHidden) {
        this.tauA = tauA;
        this.source = source;
        this.sourceRows = Set.copyOf(sourceRows);
        this.fromHidden = fromHidden;
    }

    @Override
    public void process(AttentionCall call) throws Exception {
        if (call.step().index() >= tauA) {
            return;
        }
        NDArray q;
        NDArray k;
        if (fromHidden) {
            if (!(call instanceof AttentionProjections proj)) {
                throw new IllegalStateException("attention call at " + call.path() + " offers no projections;"
                        + " use store=recompute");
            }
            NDArray h = source.get(call.path(), FeatureKind.HIDDEN, call.step(), null, call.manager());
            q = proj.projectQuery(h);
            k = proj.projectKey(h);
        } else {
            q = source.get(call.path(), FeatureKind.QUERY, call.step(), call.query(), call.manager());
            k = source.get(call.path(), FeatureKind.KEY, call.step(), call.key(), call.manager());
        }
        call.setQuery(RowCopy.into(call.query(), q, call.step(), sourceRows));
        call.setKey(RowCopy.into(call.key(), k, call.step(), sourceRows));
    }

    @Override
    public boolean replacesKeyValue() { return true; }

    @Override
    public String toString() { return "PnP Q/K injection (τ_A=" + tauA + ")"; }
}
