package atelier.runtime.sd;

import java.util.List;

import ai.djl.ndarray.NDArray;

/**
 * The end of a sampling or inversion loop. Arrays live in the run manager passed to the loop.
 *
 * @param latent     the final latent
 * @param timesteps  the timesteps in the order they were run
 * @param trajectory the latent after each step ({@code trajectory.get(i)} after step i), empty if not kept
 */
public record LoopResult(NDArray latent, int[] timesteps, List<NDArray> trajectory) {
    public LoopResult {
        timesteps = timesteps.clone();
        trajectory = List.copyOf(trajectory);
    }

    @Override
    public int[] timesteps() { return timesteps.clone(); }

    /** The trajectory stacked along a new first axis, {@code [steps, C, h, w]} for batch-1 latents. */
    public NDArray stackedTrajectory() {
        if (trajectory.isEmpty()) {
            throw new IllegalStateException("the trajectory was not kept (LoopOptions.keepTrajectory)");
        }
        ai.djl.ndarray.NDList list = new ai.djl.ndarray.NDList(trajectory.toArray(new NDArray[0]));
        return ai.djl.ndarray.NDArrays.concat(list, 0);
    }
}
