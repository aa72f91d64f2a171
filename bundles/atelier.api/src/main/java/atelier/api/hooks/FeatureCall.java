package atelier.api.hooks;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

import org.osgi.annotation.versioning.ProviderType;

/** The output of one module (e.g. {@code up_blocks.1.resnets.1.conv2}, {@code mid_block}). */
@ProviderType
public interface FeatureCall {
    String path();

    StepInfo step();

    NDArray output();

    /** Replaces the output (same shape). */
    void setOutput(NDArray replacement);

    NDManager manager();
}
