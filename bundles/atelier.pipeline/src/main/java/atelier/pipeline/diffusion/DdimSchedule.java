package atelier.pipeline.diffusion;

import java.io.IOException;
import java.nio.file.Path;

import ai.djl.ndarray.NDArray;
import atelier.runtime.scheduler.DdimScheduler;
import atelier.runtime.scheduler.SchedulerConfig;

/**
 * What the inversion-based strategies need of a DDIM schedule, on top of the runtime's
 * {@link DdimScheduler} (the one whose sampling and inversion match diffusers, `atelier verify`): ā_t, the
 * inference timesteps of any spacing diffusers offers, the previous timestep, and the deterministic (eta 0) move,
 * which run downward denoises and run upward inverts. Epsilon-prediction models only: the methods were published
 * on them, and their move is written for ε.
 */
public final class DdimSchedule {
    private final DdimScheduler scheduler;

    /**
     * @throws IllegalArgumentException for a v-prediction schedule (naming the field)
     */
    public DdimSchedule(SchedulerConfig config) {
        if (config.predictionType() != SchedulerConfig.PredictionType.EPSILON) {
            throw new IllegalArgumentException("prediction_type '" + config.predictionType().name().toLowerCase(
                    java.util.Locale.ROOT) + "' is not supported (epsilon); use a -base model");
        }
        this.scheduler = new DdimScheduler(config);
    }

    /**
     * A scaled-linear, leading-spacing, epsilon schedule.
     *
     * @param betaStart     β at t = 0 (0.00085 for SD)
     * @param betaEnd       β at t = T−1 (0.012)
     * @param trainSteps    T (1000)
     * @param stepsOffset   added to every inference timestep (1)
     * @param setAlphaToOne final "previous" alpha 1 instead of ā₀ (false for SD)
     */
    public DdimSchedule(double betaStart, double betaEnd, int trainSteps, int stepsOffset, boolean setAlphaToOne) {
        this(new SchedulerConfig(trainSteps, betaStart, betaEnd, SchedulerConfig.BetaSchedule.SCALED_LINEAR, null,
                SchedulerConfig.PredictionType.EPSILON, SchedulerConfig.TimestepSpacing.LEADING, stepsOffset,
                setAlphaToOne, false, 1.0));
    }

    /** The SD 1.x / 2.x-base schedule (scaled-linear 0.00085…0.012, leading spacing, offset 1). */
    public static DdimSchedule sd() { return new DdimSchedule(SchedulerConfig.sd15()); }

    /**
     * Reads a diffusers {@code scheduler_config.json} (absent fields take diffusers' DDIMScheduler defaults);
     * refuses what the methods cannot use, naming the file and the field.
     */
    public static DdimSchedule read(Path json) throws IOException {
        SchedulerConfig config = SchedulerConfig.load(json);
        try {
            return new DdimSchedule(config);
        } catch (IllegalArgumentException e) {
            throw new IOException(json + ": " + e.getMessage(), e);
        }
    }

    public int trainSteps() { return scheduler.config().numTrainTimesteps(); }

    /** ā_t, or the final alpha ({@code set_alpha_to_one}) for t &lt; 0. */
    public float alpha(int t) { return scheduler.alphaCumprodOrFinal(t); }

    /** The {@code steps} inference timesteps, descending (981, 961, …, 1 for 50 leading steps). */
    public int[] timesteps(int steps) {
        if (steps < 1 || steps > trainSteps()) {
            throw new IllegalArgumentException("steps must be in [1, " + trainSteps() + "], got " + steps);
        }
        return scheduler.timesteps(steps);
    }

    /** The timestep before {@code t} on a {@code steps}-step grid, as diffusers' DDIM step (negative: final alpha). */
    public int previous(int t, int steps) { return t - scheduler.stride(steps); }

    /**
     * One deterministic DDIM move of {@code x} from the level with ā = {@code from} to the level with ā =
     * {@code to}, given the noise prediction: {@code x0 = (x − √(1−from)·ε)/√from; √to·x0 + √(1−to)·ε}.
     * Down (to &gt; from) denoises, up inverts. Result in {@code x}'s manager.
     */
    public static NDArray move(NDArray x, NDArray eps, float from, float to) {
        NDArray x0 = x.sub(eps.mul((float) Math.sqrt(1 - from))).divi((float) Math.sqrt(from));
        return x0.muli((float) Math.sqrt(to)).addi(eps.mul((float) Math.sqrt(1 - to)));
    }
}
