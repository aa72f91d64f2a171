package atelier.runtime.scheduler;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;

/**
 * The fields of a diffusers {@code scheduler_config.json} that a DDIM-family scheduler needs. Settings this
 * runtime does not implement (another beta schedule or prediction type, thresholding, zero-SNR rescaling) are
 * refused with an error naming the field, never silently ignored.
 *
 * @param numTrainTimesteps {@code num_train_timesteps}, usually 1000
 * @param betaStart         {@code beta_start}
 * @param betaEnd           {@code beta_end}
 * @param betaSchedule      {@code beta_schedule}
 * @param trainedBetas      {@code trained_betas} (overrides the schedule) or null
 * @param predictionType    {@code prediction_type}
 * @param timestepSpacing   {@code timestep_spacing}
 * @param stepsOffset       {@code steps_offset}
 * @param setAlphaToOne     {@code set_alpha_to_one}: the "previous" alpha of the last step is 1 instead of ā₀
 * @param clipSample        {@code clip_sample}: clamp the predicted x₀
 * @param clipSampleRange   {@code clip_sample_range}
 */
public record SchedulerConfig(int numTrainTimesteps, double betaStart, double betaEnd, BetaSchedule betaSchedule,
        float[] trainedBetas, PredictionType predictionType, TimestepSpacing timestepSpacing, int stepsOffset,
        boolean setAlphaToOne, boolean clipSample, double clipSampleRange) {

    /** How betas are spaced over the training timesteps. */
    public enum BetaSchedule { LINEAR, SCALED_LINEAR }

    /** What the network predicts. */
    public enum PredictionType { EPSILON, V_PREDICTION }

    /** How inference timesteps are picked from the training timesteps. */
    public enum TimestepSpacing { LEADING, TRAILING, LINSPACE }

    /**
     * Scheduler classes whose configs carry the DDPM noise schedule fields. Checkpoints ship with one of these
     * (SD 1.5 with PNDM); the schedule is read from it and the DDIM update rule is applied, as diffusers'
     * {@code DDIMScheduler.from_config(pipe.scheduler.config)} does.
     */
    static final java.util.Set<String> KNOWN_CLASSES = java.util.Set.of("DDIMScheduler", "DDIMInverseScheduler",
            "PNDMScheduler", "DDPMScheduler", "EulerDiscreteScheduler", "EulerAncestralDiscreteScheduler",
            "LMSDiscreteScheduler", "DPMSolverMultistepScheduler", "UniPCMultistepScheduler");

    public SchedulerConfig {
        if (numTrainTimesteps < 2) {
            throw new IllegalArgumentException("num_train_timesteps must be at least 2, was " + numTrainTimesteps);
        }
        if (trainedBetas != null) {
            if (trainedBetas.length != numTrainTimesteps) {
                throw new IllegalArgumentException("trained_betas has " + trainedBetas.length
                        + " values but num_train_timesteps is " + numTrainTimesteps);
            }
            trainedBetas = trainedBetas.clone();
        }
        if (stepsOffset < 0) {
            throw new IllegalArgumentException("steps_offset must be >= 0, was " + stepsOffset);
        }
        if (!(clipSampleRange > 0)) {
            throw new IllegalArgumentException("clip_sample_range must be > 0, was " + clipSampleRange);
        }
    }

    @Override
    public float[] trainedBetas() { return trainedBetas == null ? null : trainedBetas.clone(); }

    /** Stable Diffusion 1.x / 2.x-base: scaled-linear 0.00085…0.012, epsilon, leading spacing, offset 1. */
    public static SchedulerConfig sd15() {
        return new SchedulerConfig(1000, 0.00085, 0.012, BetaSchedule.SCALED_LINEAR, null, PredictionType.EPSILON,
                TimestepSpacing.LEADING, 1, false, false, 1.0);
    }

    /** The same schedule with another prediction type (e.g. SD 2.x 768 px models predict v). */
    public SchedulerConfig withPredictionType(PredictionType type) {
        return new SchedulerConfig(numTrainTimesteps, betaStart, betaEnd, betaSchedule, trainedBetas, type,
                timestepSpacing, stepsOffset, setAlphaToOne, clipSample, clipSampleRange);
    }

    /** The same schedule with another timestep spacing. */
    public SchedulerConfig withTimestepSpacing(TimestepSpacing spacing) {
        return new SchedulerConfig(numTrainTimesteps, betaStart, betaEnd, betaSchedule, trainedBetas,
                predictionType, spacing, stepsOffset, setAlphaToOne, clipSample, clipSampleRange);
    }

    /** Reads a {@code scheduler_config.json} (or a folder holding one). */
    public static SchedulerConfig load(Path fileOrDir) throws IOException {
        Path file = Files.isDirectory(fileOrDir) ? fileOrDir.resolve("scheduler_config.json") : fileOrDir;
        if (!Files.isRegularFile(file)) {
            throw new IOException("scheduler config not found: " + file);
        }
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            JsonElement el = JsonParser.parseReader(r);
            if (!el.isJsonObject()) {
                throw new IOException(file + ": not a JSON object");
            }
            return fromJson(el.getAsJsonObject(), file.toString());
        } catch (JsonParseException e) {
            throw new IOException(file + ": not valid JSON: " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads the fields from a parsed config; absent fields take diffusers' {@code DDIMScheduler} defaults.
     *
     * @param where names the source in error messages
     */
    public static SchedulerConfig fromJson(JsonObject o, String where) {
        String cls = string(o, "_class_name", "DDIMScheduler");
        if (!KNOWN_CLASSES.contains(cls)) {
            throw new IllegalArgumentException("_class_name '" + cls + "' is not a scheduler this runtime can read"
                    + " (" + where + ")");
        }
        int n = integer(o, "num_train_timesteps", 1000);
        double bs = number(o, "beta_start", 0.0001);
        double be = number(o, "beta_end", 0.02);
        String schedule = string(o, "beta_schedule", "linear");
        BetaSchedule sched = switch (schedule) {
            case "linear" -> BetaSchedule.LINEAR;
            case "scaled_linear" -> BetaSchedule.SCALED_LINEAR;
            default -> throw new IllegalArgumentException("beta_schedule '" + schedule
                    + "' is not supported (supported: linear, scaled_linear)");
        };
        float[] trained = null;
        JsonElement tb = o.get("trained_betas");
        if (tb != null && !tb.isJsonNull()) {
            if (!tb.isJsonArray()) {
                throw new IllegalArgumentException("trained_betas must be a list of numbers or null");
            }
            JsonArray a = tb.getAsJsonArray();
            trained = new float[a.size()];
            for (int i = 0; i < trained.length; i++) {
                trained[i] = a.get(i).getAsFloat();
            }
        }
        String pred = string(o, "prediction_type", "epsilon");
        PredictionType pt = switch (pred) {
            case "epsilon" -> PredictionType.EPSILON;
            case "v_prediction" -> PredictionType.V_PREDICTION;
            default -> throw new IllegalArgumentException("prediction_type '" + pred
                    + "' is not supported (supported: epsilon, v_prediction)");
        };
        String spacing = string(o, "timestep_spacing", "leading");
        TimestepSpacing ts = switch (spacing) {
            case "leading" -> TimestepSpacing.LEADING;
            case "trailing" -> TimestepSpacing.TRAILING;
            case "linspace" -> TimestepSpacing.LINSPACE;
            default -> throw new IllegalArgumentException("timestep_spacing '" + spacing
                    + "' is not supported (supported: leading, trailing, linspace)");
        };
        if (bool(o, "rescale_betas_zero_snr", false)) {
            throw new IllegalArgumentException("rescale_betas_zero_snr=true is not supported");
        }
        if (bool(o, "thresholding", false)) {
            throw new IllegalArgumentException("thresholding=true (dynamic thresholding) is not supported");
        }
        return new SchedulerConfig(n, bs, be, sched, trained, pt, ts, integer(o, "steps_offset", 0),
                bool(o, "set_alpha_to_one", true), bool(o, "clip_sample", true),
                number(o, "clip_sample_range", 1.0));
    }

    private static JsonElement field(JsonObject o, String key) {
        JsonElement e = o.get(key);
        return e == null || e.isJsonNull() ? null : e;
    }

    private static String string(JsonObject o, String key, String dflt) {
        JsonElement e = field(o, key);
        if (e == null) {
            return dflt;
        }
        if (!e.isJsonPrimitive()) {
            throw new IllegalArgumentException(key + " must be a string, was " + e);
        }
        return e.getAsString();
    }

    private static double number(JsonObject o, String key, double dflt) {
        JsonElement e = field(o, key);
        try {
            return e == null ? dflt : e.getAsDouble();
        } catch (RuntimeException ex) {
            throw new IllegalArgumentException(key + " must be a number, was " + e);
        }
    }

    private static int integer(JsonObject o, String key, int dflt) {
        JsonElement e = field(o, key);
        try {
            return e == null ? dflt : e.getAsInt();
        } catch (RuntimeException ex) {
            throw new IllegalArgumentException(key + " must be an integer, was " + e);
        }
    }

    private static boolean bool(JsonObject o, String key, boolean dflt) {
        JsonElement e = field(o, key);
        if (e == null) {
            return dflt;
        }
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isBoolean()) {
            throw new IllegalArgumentException(key + " must be true or false, was " + e);
        }
        return e.getAsBoolean();
    }
}
