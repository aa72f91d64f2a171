package atelier.runtime.sd;

import java.util.List;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import atelier.api.TransferException;
import atelier.api.hooks.StepInfo;

/** What every denoising or inversion step does after the scheduler: latent hooks, observer, trajectory. */
final class LoopSteps {
    private LoopSteps() { }

    /**
     * Runs the latent processors on the scheduler's result, tells the observer, keeps a copy in the trajectory
     * when asked, and returns the latent the next step starts from (owned by {@code step} until attached).
     */
    static NDArray finish(LoopOptions options, StepInfo info, NDArray modelOutput, NDArray scheduled,
            NDManager step, NDManager run, List<NDArray> trajectory) throws TransferException {
        NDArray next = StepLatentCall.run(options.hooks().latentProcessors(), info, scheduled, step, run);
        if (options.observer() != null) {
            options.observer().onStep(info, modelOutput, next);
        }
        if (options.keepTrajectory()) {
            NDArray copy = next.duplicate();
            copy.attach(run);
            trajectory.add(copy);
        }
        return next;
    }

    /** Frees what a failed loop kept. */
    static void discard(List<NDArray> trajectory, NDArray current) {
        trajectory.forEach(NDArray::close);
        if (!current.isReleased()) {
            current.close();
        }
    }
}
