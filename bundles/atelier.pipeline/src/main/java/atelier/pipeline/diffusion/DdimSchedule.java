package atelier.pipeline.diffusion;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import ai.djl.ndarray.NDArray;

/**
 * The DDIM schedule of SD 1.x/2.x-base (epsilon prediction): {@code scaled_linear} betas, {@code leading}
 * timestep spacing with a steps offset, and the deterministic (eta 0) update, which run downward denoises and
 * run upward inverts. Alphas are computed in float32 as diffusers does.
 */
public final class DdimSchedule {
    private final float[] alphasCumprod;
    private final float finalAlpha;
    private final int stepsOffset;

    /**
     * @param betaStart      β at t = 0 (0.00085 for SD)
     * @param betaEnd        β at t = T−1 (0.012)
     * @param trainSteps     T (1000)
     * @param stepsOffset    added to every inference timestep (1)
     * @param setAlphaToOne  final "previous" alpha 1 instead of ā₀ (false for SD)
     */
    public DdimSchedule(double betaStart, double betaEnd, int trainSteps, int stepsOffset, boolean setAlphaToOne) {
        alphasCumprod = new float[trainSteps];
        float s0 = (float) Math.sqrt(betaStart);
        float s1 = (float) Math.sqrt(betaEnd);
        float prod = 1f;
        for (int i = 0; i < trainSteps; i++) {
            float sq = s0 + (s1 - s0) * i / (trainSteps - 1);
            float beta = sq * sq;
            prod *= 1f - beta;
            alphasCumprod[i] = prod;
        }
        finalAlpha = setAlphaToOne ? 1f : alphasCumprod[0];
        this.stepsOffset = stepsOffset;
    }

    /** The SD 1.x defaults. */
    public static DdimSchedule sd() { return new DdimSchedule(0.00085, 0.012, 1000, 1, false); }

    /**
     * Reads a diffusers {@code scheduler_config.json}; refuses what this schedule cannot do (v-prediction,
     * other beta schedules or spacings), naming the field.
     */
    public static DdimSchedule read(Path json) throws IOException {
        String s = Files.readString(json);
        String schedule = text(s, "beta_schedule", "scaled_linear");
        String prediction = text(s, "prediction_type", "epsilon");
        String spacing = text(s, "timestep_spacing", "leading");
        if (!schedule.equals("scaled_linear")) {
            throw new IOException(json + ": beta_schedule '" + schedule + "' is not supported (scaled_linear)");
        }
        if (!prediction.equals("epsilon")) {
            throw new IOException(json + ": prediction_type '" + prediction + "' is not supported (epsilon); use a"
                    + " -base model");
        }
        if (!spacing.equals("leading")) {
            throw new IOException(json + ": timestep_spacing '" + spacing + "' is not supported (leading)");
        }
        return new DdimSchedule(number(s, "beta_start", 0.00085), number(s, "beta_end", 0.012),
                (int) number(s, "num_train_timesteps", 1000), (int) number(s, "steps_offset", 1),
                text(s, "set_alpha_to_one", "false").equals("true"));
    }

    private static String text(String json, String key, String def) {
        Matcher m = Pattern.compile("\"" + key + "\"\\s*:\\s*\"?([A-Za-z0-9_.+-]+)\"?").matcher(json);
        return m.find() ? m.group(1) : def;
    }

    private static double number(String json, String key, double def) {
        String t = text(json, key, null);
        return t == null || t.equals("null") ? def : Double.parseDouble(t);
    }

    public int trainSteps() { return alphasCumprod.length; }

    /** ā_t, or the final alpha for t &lt; 0. */
    public float alpha(int t) { return t < 0 ? finalAlpha : alphasCumprod[t]; }

    /** The {@code steps} inference timesteps, descending (981, 961, …, 1 for 50). */
    public int[] timesteps(int steps) {
        if (steps < 1 || steps > alphasCumprod.length) {
            throw new IllegalArgumentException("steps must be in [1, " + alphasCumprod.length + "], got " + steps);
        }
        int ratio = alphasCumprod.length / steps;
        int[] ts = new int[steps];
        for (int i = 0; i < steps; i++) {
            ts[i] = (steps - 1 - i) * ratio + stepsOffset;
        }
        return ts;
    }

    /** The timestep before {@code t} on a {@code steps}-step grid (may be negative: the final alpha). */
    public int previous(int t, int steps) { return t - alphasCumprod.length / steps; }

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
