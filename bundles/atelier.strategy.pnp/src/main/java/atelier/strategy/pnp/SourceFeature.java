package atelier.strategy.pnp;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import atelier.api.hooks.StepInfo;
import atelier.runtime.injection.FeatureKind;

/** The source branch's feature for a call: from the store or from the call's own source row; null = none. */
@FunctionalInterface
public interface SourceFeature {
    NDArray get(String path, FeatureKind kind, StepInfo step, NDArray batch, NDManager into) throws Exception;
}
