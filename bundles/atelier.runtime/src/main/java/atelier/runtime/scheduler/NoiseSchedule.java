package atelier.runtime.scheduler;

/**
 * The training noise schedule: betas and the cumulative products ā_t = ∏_{s≤t}(1−β_s), in float32 and in the
 * same operation order as diffusers (torch {@code linspace} in float32, squared for "scaled_linear", cumulative
 * product accumulated in double and rounded to float32 per element, as torch's CPU kernel does).
 */
public final class NoiseSchedule {
    private final float[] betas;
    private final float[] alphasCumprod;

    public NoiseSchedule(SchedulerConfig config) {
        int n = config.numTrainTimesteps();
        float[] tb = config.trainedBetas();
        if (tb != null) {
            betas = tb;
        } else if (config.betaSchedule() == SchedulerConfig.BetaSchedule.LINEAR) {
            betas = linspace((float) config.betaStart(), (float) config.betaEnd(), n);
        } else {
            float[] s = linspace((float) Math.sqrt(config.betaStart()), (float) Math.sqrt(config.betaEnd()), n);
            for (int i = 0; i < n; i++) {
                s[i] = s[i] * s[i];
            }
            betas = s;
        }
        alphasCumprod = new float[n];
        double acc = 1.0;
        for (int i = 0; i < n; i++) {
            float alpha = 1.0f - betas[i];
            acc *= alpha;
            alphasCumprod[i] = (float) acc;
        }
    }

    /** torch.linspace for float32: symmetric from both ends around the midpoint. */
    static float[] linspace(float start, float end, int steps) {
        float[] out = new float[steps];
        if (steps == 1) {
            out[0] = start;
            return out;
        }
        float step = (end - start) / (steps - 1);
        int half = steps / 2;
        for (int i = 0; i < steps; i++) {
            out[i] = i < half ? start + step * i : end - step * (steps - i - 1);
        }
        return out;
    }

    public int size() { return alphasCumprod.length; }

    public float beta(int t) { return betas[t]; }

    /** ā_t for a training timestep {@code 0 ≤ t < size()}. */
    public float alphaCumprod(int t) {
        if (t < 0 || t >= alphasCumprod.length) {
            throw new IllegalArgumentException("timestep " + t + " outside 0.." + (alphasCumprod.length - 1));
        }
        return alphasCumprod[t];
    }

    public float[] alphasCumprod() { return alphasCumprod.clone(); }

    public float[] betas() { return betas.clone(); }
}
