package atelier.runtime.scheduler;

import ai.djl.ndarray.NDArray;

/**
 * The result of one scheduler step.
 *
 * @param prevSample          the latent at the next (lower) timestep
 * @param predOriginalSample  the predicted clean latent x₀
 */
public record StepResult(NDArray prevSample, NDArray predOriginalSample) { }
