package atelier.runtime.scheduler;

import ai.djl.ndarray.NDArray;

/**
 * Naive DDIM inversion: the deterministic DDIM update run upwards. For ascending timesteps t_i (the
 * sampler's timesteps reversed), with {@code a_from = ā[t_i − stride]} (ā₀ for the first step) and the
 * network output {@code out = f(x, t_i)}: x₀ and ε are recovered with {@code a_from} (epsilon:
 * {@code x₀ = (x − sqrt(1−a)·out)/sqrt(a)}, ε = out; v: {@code x₀ = sqrt(a)·x − sqrt(1−a)·out},
 * {@code ε = sqrt(a)·out + sqrt(1−a)·x}) and the latent is re-noised to ā[t_i]:
 * {@code x ← sqrt(ā[t_i])·x₀ + sqrt(1−ā[t_i])·ε}.
 */
public final class DdimInversion {
    private final DdimScheduler scheduler;

    public DdimInversion(DdimScheduler scheduler) {
        this.scheduler = scheduler;
    }

    public DdimInversion(SchedulerConfig config) {
        this(new DdimScheduler(config));
    }

    public DdimScheduler scheduler() { return scheduler; }

    /** The inversion timesteps, ascending (e.g. 1, 101, …, 901 for 10 steps). */
    public int[] timesteps(int steps) {
        int[] down = scheduler.timesteps(steps);
        int[] up = new int[down.length];
        for (int i = 0; i < down.length; i++) {
            up[i] = down[down.length - 1 - i];
        }
        return up;
    }

    /** ā the step at {@code t} starts from: ā[t − stride], or ā₀ when that is below 0. */
    public float alphaFrom(int t, int steps) {
        int from = t - scheduler.stride(steps);
        NoiseSchedule s = scheduler.schedule();
        return from >= 0 ? s.alphaCumprod(from) : s.alphaCumprod(0);
    }

    /** One step up, from the level below {@code t} to {@code t}; the result lands in the sample's manager. */
    public NDArray step(NDArray modelOutput, int t, NDArray sample, int steps) {
        if (!modelOutput.getShape().equals(sample.getShape())) {
            throw new IllegalArgumentException("model output shape " + modelOutput.getShape()
                    + " differs from the sample's " + sample.getShape());
        }
        float a = alphaFrom(t, steps);
        float sa = (float) Math.sqrt(a);
        float sb = (float) Math.sqrt(1.0f - a);
        NDArray x0;
        NDArray eps;
        if (scheduler.config().predictionType() == SchedulerConfig.PredictionType.EPSILON) {
            x0 = sample.sub(modelOutput.mul(sb)).div(sa);
            eps = modelOutput;
        } else {
            x0 = sample.mul(sa).sub(modelOutput.mul(sb));
            eps = modelOutput.mul(sa).add(sample.mul(sb));
        }
        float at = scheduler.schedule().alphaCumprod(t);
        return x0.mul((float) Math.sqrt(at)).add(eps.mul((float) Math.sqrt(1.0f - at)));
    }
}
