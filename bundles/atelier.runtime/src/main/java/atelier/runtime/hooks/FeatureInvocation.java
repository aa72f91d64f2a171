package atelier.runtime.hooks;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import atelier.api.hooks.FeatureCall;
import atelier.api.hooks.StepInfo;

/** One module output handed to the {@link atelier.api.hooks.FeatureProcessor}s at its path. */
final class FeatureInvocation implements FeatureCall {
    private final String path;
    private final StepInfo step;
    private final NDManager manager;
    private NDArray output;

    FeatureInvocation(String path, StepInfo step, NDArray output, NDManager manager) {
        this.path = path;
        this.step = step;
        this.output = output;
        this.manager = manager;
    }

    @Override
    public String path() { return path; }

    @Override
    public StepInfo step() { return step; }

    @Override
    public NDArray output() { return output; }

    @Override
    public void setOutput(NDArray replacement) {
        if (replacement == null) {
            throw new IllegalArgumentException("null output set at '" + path + "'");
        }
        Hooks.checkSameShape(path, "output", output, replacement);
        this.output = replacement;
    }

    @Override
    public NDManager manager() { return manager != null ? manager : output.getManager(); }
}
