package atelier.strategy.pnp;

import java.util.Set;

import ai.djl.ndarray.NDArray;
import atelier.api.hooks.FeatureCall;
import atelier.api.hooks.FeatureProcessor;
import atelier.runtime.injection.FeatureKind;

/**
 * PnP's feature injection at {@code <resnet>.conv2}: the residual branch (before the skip addition) of every
 * target row becomes the source's, at the steps whose index is below τ_f; each row keeps its own shortcut.
 */
public final class ResidualInjection implements FeatureProcessor {
    private final int tauF;
    private final SourceFeature source;
    private final Set<String> sourceRows;

    public ResidualInjection(int tauF, SourceFeature source, Set<String> sourceRows) {
        this.tauF = tauF;
        this.source = source;
        this.sourceRows = Set.copyOf(sourceRows);
    }

    @Override
    public void process(FeatureCall call) throws Exception {
        if (call.step().index() >= tauF) {
            return;
        }
        NDArray r = source.get(call.path(), FeatureKind.RESIDUAL, call.step(), call.output(), call.manager());
        call.setOutput(RowCopy.into(call.output(), r, call.step(), sourceRows));
    }

    @Override
    public String toString() { return "PnP residual injection (τ_f=" + tauF + ")"; }
}
