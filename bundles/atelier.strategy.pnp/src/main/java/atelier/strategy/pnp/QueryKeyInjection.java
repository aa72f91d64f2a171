package atelier.strategy.pnp;

import java.util.Set;

import ai.djl.ndarray.NDArray;
import atelier.api.hooks.AttentionCall;
import atelier.api.hooks.AttentionProcessor;
import atelier.runtime.injection.FeatureKind;

/**
 * PnP's self-attention injection: the queries and keys of every target row become the source's (values stay
 * the row's own), at the steps whose index is below τ_A.
 */
public final class QueryKeyInjection implements AttentionProcessor {
    private final int tauA;
    private final SourceFeature source;
    private final Set<String> sourceRows;

    public QueryKeyInjection(int tauA, SourceFeature source, Set<String> sourceRows) {
        this.tauA = tauA;
        this.source = source;
        this.sourceRows = Set.copyOf(sourceRows);
    }

    @Override
    public void process(AttentionCall call) throws Exception {
        if (call.step().index() >= tauA) {
            return;
        }
        NDArray q = source.get(call.path(), FeatureKind.QUERY, call.step(), call.query(), call.manager());
        NDArray k = source.get(call.path(), FeatureKind.KEY, call.step(), call.key(), call.manager());
        call.setQuery(RowCopy.into(call.query(), q, call.step(), sourceRows));
        call.setKey(RowCopy.into(call.key(), k, call.step(), sourceRows));
    }

    @Override
    public boolean replacesKeyValue() { return true; }

    @Override
    public String toString() { return "PnP Q/K injection (τ_A=" + tauA + ")"; }
}
