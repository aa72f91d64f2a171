package atelier.runtime.sd;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import atelier.api.hooks.LatentCall;
import atelier.api.hooks.LatentProcessor;
import atelier.api.hooks.StepInfo;

/** The latent between two steps, handed to each {@link LatentProcessor} in turn. */
final class StepLatentCall implements LatentCall {
    private final StepInfo step;
    private final NDManager manager;
    private NDArray latent;
    private boolean replaced;

    StepLatentCall(StepInfo step, NDArray latent, NDManager manager) {
        this.step = step;
        this.latent = latent;
        this.manager = manager;
    }

    @Override
    public StepInfo step() { return step; }

    @Override
    public NDArray latent() { return latent; }

    @Override
    public void setLatent(NDArray replacement) {
        if (replacement == null || !replacement.getShape().equals(latent.getShape())) {
            throw new IllegalArgumentException("a latent processor must keep the latent's shape " + latent.getShape()
                    + ", got " + (replacement == null ? "null" : replacement.getShape()));
        }
        latent = replacement;
        replaced = true;
    }

    @Override
    public NDManager manager() { return manager; }

    boolean replaced() { return replaced; }

    /**
     * Runs the processors and returns the latent they leave, owned by {@code keep}: the step's own result is
     * moved there, a replacement from elsewhere is copied there (its owner keeps the original).
     */
    static NDArray run(Iterable<LatentProcessor> processors, StepInfo step, NDArray latent, NDManager stepManager,
            NDManager keep) {
        StepLatentCall call = new StepLatentCall(step, latent, stepManager);
        for (LatentProcessor p : processors) {
            try {
                p.process(call);
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException("latent processor " + p + " failed at step " + step.index() + ": "
                        + e.getMessage(), e);
            }
        }
        NDArray out = call.latent();
        if (out.getManager() == stepManager) {
            out.attach(keep);
            return out;
        }
        NDArray copy = out.duplicate();
        copy.attach(keep);
        return copy;
    }
}
