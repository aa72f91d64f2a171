package atelier.runtime.sd;

import ai.djl.ndarray.NDArray;
import atelier.api.hooks.StepInfo;

/**
 * Sees each step of a loop. The arrays belong to the step and are freed when it ends: duplicate and attach what
 * you keep to a longer-lived manager.
 */
@FunctionalInterface
public interface StepObserver {
    /**
     * @param step        the step (phase, index, timestep, row labels of the UNet call)
     * @param modelOutput the (guided) network output the scheduler used, one row per latent
     * @param latent      the latent after the step
     */
    void onStep(StepInfo step, NDArray modelOutput, NDArray latent);
}
