package atelier.runtime.scheduler;

import ai.djl.ndarray.NDArray;

/**
 * The DDIM sampler (Song et al. 2021) as diffusers' {@code DDIMScheduler} implements it: timesteps for the
 * three spacings, the deterministic update for η = 0 and the stochastic one for η &gt; 0, epsilon and
 * v-prediction. Stateless: the number of inference steps is passed to each call. Results land in the
 * manager of {@code sample}.
 */
public final class DdimScheduler {
    private final SchedulerConfig config;
    private final NoiseSchedule schedule;
    private final float finalAlphaCumprod;

    public DdimScheduler(SchedulerConfig config) {
        this.config = config;
        this.schedule = new NoiseSchedule(config);
        this.finalAlphaCumprod = config.setAlphaToOne() ? 1.0f : schedule.alphaCumprod(0);
    }

    public SchedulerConfig config() { return config; }

    public NoiseSchedule schedule() { return schedule; }

    /** ā used as the "previous" alpha after the last step: 1, or ā₀ when {@code set_alpha_to_one} is false. */
    public float finalAlphaCumprod() { return finalAlphaCumprod; }

    /** ā_t, with {@link #finalAlphaCumprod()} for t &lt; 0. */
    public float alphaCumprodOrFinal(int t) {
        return t >= 0 ? schedule.alphaCumprod(t) : finalAlphaCumprod;
    }

    /** Distance between consecutive timesteps as diffusers' DDIM step computes it. */
    public int stride(int steps) {
        checkSteps(steps);
        return config.numTrainTimesteps() / steps;
    }

    /** The inference timesteps, descending (e.g. 981, 961, …, 1 for 50 leading steps with offset 1). */
    public int[] timesteps(int steps) {
        checkSteps(steps);
        int n = config.numTrainTimesteps();
        int[] out = new int[steps];
        switch (config.timestepSpacing()) {
            case LINSPACE: {
                // numpy: linspace(0, n-1, steps) in float64 (last element exact), rounded half to even, reversed
                double step = steps == 1 ? 0 : (double) (n - 1) / (steps - 1);
                for (int i = 0; i < steps; i++) {
                    double v = i == steps - 1 && steps > 1 ? n - 1 : i * step;
                    out[steps - 1 - i] = (int) Math.rint(v);
                }
                break;
            }
            case LEADING: {
                int ratio = n / steps;
                for (int i = 0; i < steps; i++) {
                    out[steps - 1 - i] = i * ratio + config.stepsOffset();
                }
                break;
            }
            case TRAILING: {
                // numpy: round(arange(n, 0, -n/steps)) - 1
                double ratio = (double) n / steps;
                for (int i = 0; i < steps; i++) {
                    out[i] = (int) Math.rint(n - i * ratio) - 1;
                }
                break;
            }
            default:
                throw new IllegalStateException(config.timestepSpacing().toString());
        }
        for (int t : out) {
            if (t < 0 || t >= n) {
                throw new IllegalArgumentException("timestep " + t + " for " + steps + " steps is outside 0.."
                        + (n - 1) + " (check steps_offset=" + config.stepsOffset() + ")");
            }
        }
        return out;
    }

    private void checkSteps(int steps) {
        if (steps < 1 || steps > config.numTrainTimesteps()) {
            throw new IllegalArgumentException("number of inference steps must be 1.." + config.numTrainTimesteps()
                    + ", was " + steps);
        }
    }

    /**
     * One DDIM step from timestep {@code t} to {@code t − stride(steps)}.
     *
     * @param modelOutput what the network predicted (ε or v, per the config's prediction type)
     * @param eta         η: 0 is deterministic DDIM, 1 is DDPM-like
     * @param noise       standard normal noise of the sample's shape for η &gt; 0; null draws it from the
     *                    sample's manager
     */
    public StepResult step(NDArray modelOutput, int t, NDArray sample, int steps, double eta, NDArray noise) {
        if (eta < 0) {
            throw new IllegalArgumentException("eta must be >= 0, was " + eta);
        }
        if (!modelOutput.getShape().equals(sample.getShape())) {
            throw new IllegalArgumentException("model output shape " + modelOutput.getShape()
                    + " differs from the sample's " + sample.getShape());
        }
        int prevT = t - stride(steps);
        float alphaT = schedule.alphaCumprod(t);
        float alphaPrev = alphaCumprodOrFinal(prevT);
        float betaT = 1.0f - alphaT;
        float sqrtAlpha = (float) Math.sqrt(alphaT);
        float sqrtBeta = (float) Math.sqrt(betaT);

        NDArray predX0;
        NDArray predEps;
        if (config.predictionType() == SchedulerConfig.PredictionType.EPSILON) {
            predX0 = sample.sub(modelOutput.mul(sqrtBeta)).div(sqrtAlpha);
            predEps = modelOutput;
        } else {
            predX0 = sample.mul(sqrtAlpha).sub(modelOutput.mul(sqrtBeta));
            predEps = modelOutput.mul(sqrtAlpha).add(sample.mul(sqrtBeta));
        }
        if (config.clipSample()) {
            float r = (float) config.clipSampleRange();
            predX0 = predX0.clip(-r, r);
        }
        float betaPrev = 1.0f - alphaPrev;
        float variance = (betaPrev / betaT) * (1.0f - alphaT / alphaPrev);
        float std = (float) (eta * Math.sqrt(variance));
        float dirCoef = (float) Math.sqrt(1.0f - alphaPrev - std * std);
        NDArray prev = predX0.mul((float) Math.sqrt(alphaPrev)).add(predEps.mul(dirCoef));
        if (eta > 0) {
            NDArray n = noise != null ? noise
                    : sample.getManager().randomNormal(sample.getShape(), sample.getDataType());
            if (!n.getShape().equals(sample.getShape())) {
                throw new IllegalArgumentException("noise shape " + n.getShape() + " differs from the sample's "
                        + sample.getShape());
            }
            prev = prev.add(n.mul(std));
        }
        return new StepResult(prev, predX0);
    }

    /** Forward diffusion q(x_t | x₀): {@code sqrt(ā_t)·x0 + sqrt(1−ā_t)·noise}. */
    public NDArray addNoise(NDArray x0, NDArray noise, int t) {
        float a = schedule.alphaCumprod(t);
        return x0.mul((float) Math.sqrt(a)).add(noise.mul((float) Math.sqrt(1.0f - a)));
    }
}
