package atelier.runtime.injection;

import ai.djl.ndarray.NDArray;

/** Receives captured features. The array belongs to the model call; a sink that keeps it must copy it. */
@FunctionalInterface
public interface FeatureSink {
    void accept(String path, FeatureKind kind, int timestep, NDArray feature);
}
