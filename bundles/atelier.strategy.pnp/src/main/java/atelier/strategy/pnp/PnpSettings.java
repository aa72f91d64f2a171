package atelier.strategy.pnp;

import java.util.List;
import java.util.Map;

import atelier.api.spi.ParameterSpec;
import atelier.api.spi.Params;
import atelier.pipeline.features.StorePolicy;

/**
 * Plug-and-Play's parameters, parsed. Defaults follow pnp-diffusers ({@code config_pnp.yaml},
 * {@code preprocess.py}): 50 sampling steps, τ_f = 40 and τ_A = 25 of them, guidance 7.5, 999 inversion steps,
 * its default negative prompt used fully (α₀ = 0, constant); the original code's α schedules are available.
 *
 * @param prompt          target prompt
 * @param negativePrompt  negative prompt
 * @param guidance        classifier-free guidance scale s
 * @param tauF            steps with residual-feature injection
 * @param tauA            steps with self-attention Q/K injection
 * @param alphaSchedule   {@code constant}, {@code linear} or {@code exp}
 * @param alpha0          α₀ of the schedule
 * @param steps           sampling steps
 * @param inversionSteps  DDIM inversion steps
 * @param sourcePrompt    inversion prompt (the source branch's conditioning)
 * @param attnLayers      Q/K-injected decoder self-attention layers (output-block indices or attn1 paths)
 * @param featureLayer    the resnet whose residual branch is injected
 * @param store           feature store policy
 * @param tile            latent tile side in pixels for large images; 0 = the model's native size
 */
public record PnpSettings(String prompt, String negativePrompt, double guidance, int tauF, int tauA,
        String alphaSchedule, double alpha0, int steps, int inversionSteps, String sourcePrompt, String attnLayers,
        String featureLayer, String store, int tile) {
    /** Largest {@code tile} value. */
    public static final int MAX_TILE = 4096;

    public static final String DEFAULT_NEGATIVE = "ugly, blurry, black, low res, unrealistic";

    /** The declared parameters, in dialog order. */
    public static final List<ParameterSpec> PARAMETERS = List.of(
            ParameterSpec.ofString("prompt", "Prompt", "",
                    "P (target prompt), default empty: the text the translated image should match."),
            ParameterSpec.ofString("negative_prompt", "Negative prompt", DEFAULT_NEGATIVE,
                    "n (negative prompt), default \"" + DEFAULT_NEGATIVE + "\" (pnp-diffusers); the original"
                            + " uses the source description; mixed with the empty prompt by α."),
            ParameterSpec.ofFloat("guidance", "Guidance scale", 7.5, 1, 30,
                    "s (classifier-free guidance scale), default 7.5 (the original's real-image config uses 10)."),
            ParameterSpec.ofInt("tau_f", "Feature injection steps τ_f", 40, 0, 1000,
                    "τ_f (feature injection), default 40 of 50 steps: for the first τ_f steps the residual branch"
                            + " of the feature layer (conv2 output, before the skip) is copied from the source."),
            ParameterSpec.ofInt("tau_a", "Attention injection steps τ_A", 25, 0, 1000,
                    "τ_A (self-attention injection), default 25 of 50 steps: for the first τ_A steps the"
                            + " self-attention queries and keys (not values) come from the source."),
            ParameterSpec.ofChoice("alpha_schedule", "Negative-prompt α schedule", "constant",
                    List.of("constant", "linear", "exp"),
                    "α schedule, default constant: ε̃ = α_i·ε(∅) + (1−α_i)·ε(n); linear α_i = α₀(1−i/(N−1)),"
                            + " exp α_i = α₀·exp(−6i/(N−1)), constant α_i = α₀."),
            ParameterSpec.ofFloat("alpha0", "α₀", 0.0, 0, 1,
                    "α₀ (negative-prompt mix), default 0 (the negative prompt replaces the empty one, as in"
                            + " pnp-diffusers); 1 ignores it; lower means stronger negative prompting."),
            ParameterSpec.ofInt("steps", "Sampling steps", 50, 2, 1000,
                    "N (DDIM sampling steps), default 50; τ_f and τ_A count steps of this schedule."),
            ParameterSpec.ofInt("inversion_steps", "Inversion steps", 999, 2, 999,
                    "DDIM inversion steps of the guidance image, default 999 (the reference). Each is one UNet"
                            + " call: 50 is ~20× faster but inverts less exactly, so structure is kept less"
                            + " faithfully; the sampling timesteps must lie on the inversion grid."),
            ParameterSpec.ofString("source_prompt", "Inversion prompt", "",
                    "Inversion prompt, default empty: conditions the inversion and the source branch."),
            ParameterSpec.ofString("attn_layers", "Q/K-injected layers", "4-11",
                    "Self-attention layers whose Q and K are injected, as LDM output blocks, default 4-11 (the 8"
                            + " decoder layers after the first of up_blocks.1)."),
            ParameterSpec.ofString("feature_layer", "Feature layer", "up_blocks.1.resnets.1",
                    "The resnet whose residual branch is injected, default up_blocks.1.resnets.1 (LDM output"
                            + " block 4, 16×16 at 512 px)."),
            ParameterSpec.ofChoice("store", "Feature store", "auto", StorePolicy.CHOICES,
                    "Feature store policy, default auto (fp32 if it fits in memory, else fp16, else recompute):"
                            + " fp32/fp16/disk keep the source features from one extraction pass; recompute keeps"
                            + " only the inverted latents and runs the source branch as an extra batch row, as"
                            + " pnp-diffusers does (same compute, almost no memory)."),
            ParameterSpec.ofInt("tile_size", "Tile size (px)", 0, 0, MAX_TILE,
                    "Tile side in pixels for images larger than one tile, default 0 = the model's native size (UNet"
                            + " sample size × VAE factor: 512 px for SD 1.5 and 2.1-base, 1024 for SDXL). A larger"
                            + " image is cut into overlapping tiles, each translated by its own PnP run (inversion and"
                            + " generation) and blended in latent space; memory is that of one tile. Rounded down to"
                            + " a multiple of the model's latent alignment (64 px for SD) and never below it."));

    public PnpSettings {
        prompt = prompt == null ? "" : prompt;
        negativePrompt = negativePrompt == null ? "" : negativePrompt;
        sourcePrompt = sourcePrompt == null ? "" : sourcePrompt;
        if (tauF < 0 || tauF > steps) {
            throw new IllegalArgumentException("tau_f: " + tauF + " must be in [0, steps=" + steps + "]");
        }
        if (tauA < 0 || tauA > steps) {
            throw new IllegalArgumentException("tau_a: " + tauA + " must be in [0, steps=" + steps + "]");
        }
        if (!List.of("constant", "linear", "exp").contains(alphaSchedule)) {
            throw new IllegalArgumentException("alpha_schedule: '" + alphaSchedule
                    + "' is not one of [constant, linear, exp]");
        }
        if (!(alpha0 >= 0 && alpha0 <= 1)) {
            throw new IllegalArgumentException("alpha0: " + alpha0 + " is out of range [0, 1]");
        }
        if (!(guidance >= 1)) {
            throw new IllegalArgumentException("guidance: " + guidance + " must be ≥ 1");
        }
        if (tile < 0 || tile > MAX_TILE) {
            throw new IllegalArgumentException("tile_size: " + tile + " must be in [0, " + MAX_TILE + "]");
        }
    }

    public static PnpSettings defaults() { return of(Params.of(PARAMETERS, Map.of())); }

    public static PnpSettings of(Params p) {
        return new PnpSettings(p.getString("prompt"), p.getString("negative_prompt"), p.getDouble("guidance"),
                p.getInt("tau_f"), p.getInt("tau_a"), p.getString("alpha_schedule"), p.getDouble("alpha0"),
                p.getInt("steps"), p.getInt("inversion_steps"), p.getString("source_prompt"),
                p.getString("attn_layers"), p.getString("feature_layer"), p.getString("store"), p.getInt("tile_size"));
    }

    /** A copy with other values for the given keys (parameter keys as in {@link #PARAMETERS}). */
    public PnpSettings with(Map<String, String> changes) {
        Map<String, String> all = new java.util.LinkedHashMap<>();
        all.put("prompt", prompt);
        all.put("negative_prompt", negativePrompt);
        all.put("guidance", Double.toString(guidance));
        all.put("tau_f", Integer.toString(tauF));
        all.put("tau_a", Integer.toString(tauA));
        all.put("alpha_schedule", alphaSchedule);
        all.put("alpha0", Double.toString(alpha0));
        all.put("steps", Integer.toString(steps));
        all.put("inversion_steps", Integer.toString(inversionSteps));
        all.put("source_prompt", sourcePrompt);
        all.put("attn_layers", attnLayers);
        all.put("feature_layer", featureLayer);
        all.put("store", store);
        all.put("tile_size", Integer.toString(tile));
        all.putAll(changes);
        return of(Params.of(PARAMETERS, all));
    }

    /** α_i of step i. */
    public double alpha(int i) {
        double frac = steps > 1 ? (double) i / (steps - 1) : 0;
        switch (alphaSchedule) {
            case "linear": return alpha0 * (1 - frac);
            case "exp": return alpha0 * Math.exp(-6 * frac);
            default: return alpha0;
        }
    }
}
