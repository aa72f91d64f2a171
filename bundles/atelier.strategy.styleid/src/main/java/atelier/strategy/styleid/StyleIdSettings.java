package atelier.strategy.styleid;

import java.util.List;

import atelier.api.spi.ParameterSpec;
import atelier.api.spi.Params;
import atelier.pipeline.features.StorePolicy;

/**
 * StyleID's parameters, parsed. Defaults follow the official code ({@code run_styleid.py}): γ 0.75, τ 1.5,
 * LDM output blocks 6–11, 50 DDIM steps, AdaIN on, the reference start (invert to t = 999, skip the first
 * sampling step), empty prompt, no guidance.
 *
 * @param gamma    query preservation γ
 * @param tau      attention temperature τ
 * @param layers   injected decoder self-attention layers (output-block indices or attn1 paths)
 * @param steps    DDIM steps of inversion and generation
 * @param adain    AdaIN of the initial latent
 * @param start    {@code reference} or {@code clean}
 * @param prompt   generation prompt ("" = unconditional, as the paper)
 * @param guidance classifier-free guidance scale (1 = none)
 * @param store    feature store policy ({@code auto}, {@code fp32}, {@code fp16}, {@code disk}, {@code recompute})
 * @param tile     latent tile side in pixels (0 = the model's native size: UNet sample size × VAE factor)
 */
public record StyleIdSettings(double gamma, double tau, String layers, int steps, boolean adain, String start,
        String prompt, double guidance, String store, int tile) {
    public static final String REFERENCE = "reference";
    public static final String CLEAN = "clean";
    /** Largest {@code tile} value. */
    public static final int MAX_TILE = 4096;

    /** The declared parameters, in dialog order. */
    public static final List<ParameterSpec> PARAMETERS = List.of(
            ParameterSpec.ofFloat("gamma", "Query preservation γ", 0.75, 0, 1,
                    "γ (query preservation), default 0.75: the injected query is γ·Q_content + (1−γ)·Q_current."
                            + " Higher keeps more of the content's layout; 0.3 gives high style fidelity."),
            ParameterSpec.ofFloat("tau", "Temperature τ", 1.5, 0.1, 10,
                    "τ (attention temperature, T in the paper), default 1.5: multiplies the attention logits in"
                            + " injected layers and steps only, sharpening maps that the key/value swap blurs."),
            ParameterSpec.ofString("layers", "Injected layers", "6-11",
                    "Injected decoder self-attention layers as LDM output-block indices, default 6-11 (the six"
                            + " attn1 layers of up_blocks.2 and up_blocks.3); diffusers attn1 paths also work."),
            ParameterSpec.ofInt("steps", "DDIM steps", 50, 2, 1000,
                    "N (DDIM steps), default 50: steps of the inversion of both images and of the generation;"
                            + " features are captured and injected at each of them."),
            ParameterSpec.ofBoolean("adain", "AdaIN initial latent", true,
                    "AdaIN of z_T, default on: the content's inverted latent takes the style latent's per-channel"
                            + " mean and standard deviation over H×W, which carries the style's colours."),
            ParameterSpec.ofChoice("start", "Start", REFERENCE, List.of(REFERENCE, CLEAN),
                    "Start mode, default reference: invert to t=999 and skip the first sampling step, as the"
                            + " official code does; clean inverts to the first sampling timestep and runs all steps."),
            ParameterSpec.ofString("prompt", "Prompt", "",
                    "c (generation prompt), default empty: the paper uses the empty prompt; inversion always"
                            + " uses the empty prompt."),
            ParameterSpec.ofFloat("guidance", "Guidance scale", 1.0, 1, 30,
                    "s (classifier-free guidance scale), default 1 = none, as the paper; above 1 the UNet runs"
                            + " uncond and cond rows and both get the injected features."),
            ParameterSpec.ofChoice("store", "Feature store", "auto", StorePolicy.CHOICES,
                    "Feature store policy, default auto (fp32 if it fits in memory, else fp16, else recompute):"
                            + " fp32, fp16, disk (temporary folder deleted at the end), or recompute (keeps only"
                            + " the latent trajectories, features recomputed in extra batch rows; ~1.5× time)."),
            ParameterSpec.ofInt("tile_size", "Tile size (px)", 0, 0, MAX_TILE,
                    "Tile side in pixels, default 0 = the model's native size (UNet sample size × VAE factor: 512 px"
                            + " for SD 1.5 and 2.1-base, 1024 for SDXL). A larger content is cut into overlapping"
                            + " tiles of this side, each an independent StyleID run against one shared style"
                            + " inversion, blended in latent space; smaller tiles use less memory per tile."));

    public StyleIdSettings {
        if (!(gamma >= 0 && gamma <= 1)) {
            throw new IllegalArgumentException("gamma: " + gamma + " is out of range [0, 1]");
        }
        if (!(tau > 0)) {
            throw new IllegalArgumentException("tau: " + tau + " must be positive");
        }
        if (steps < 2 || steps > 1000) {
            throw new IllegalArgumentException("steps: " + steps + " is out of range [2, 1000]");
        }
        if (!start.equals(REFERENCE) && !start.equals(CLEAN)) {
            throw new IllegalArgumentException("start: '" + start + "' is not one of [reference, clean]");
        }
        if (!(guidance >= 1)) {
            throw new IllegalArgumentException("guidance: " + guidance + " must be ≥ 1");
        }
        if (tile < 0 || tile > MAX_TILE) {
            throw new IllegalArgumentException("tile_size: " + tile + " is out of range [0, " + MAX_TILE + "]");
        }
        prompt = prompt == null ? "" : prompt;
    }

    /** The defaults. */
    public static StyleIdSettings defaults() { return of(Params.of(PARAMETERS, java.util.Map.of())); }

    public static StyleIdSettings of(Params p) {
        return new StyleIdSettings(p.getDouble("gamma"), p.getDouble("tau"), p.getString("layers"),
                p.getInt("steps"), p.getBoolean("adain"), p.getString("start"), p.getString("prompt"),
                p.getDouble("guidance"), p.getString("store"), p.getInt("tile_size"));
    }

    public StyleIdSettings withGamma(double g) {
        return new StyleIdSettings(g, tau, layers, steps, adain, start, prompt, guidance, store, tile);
    }

    public StyleIdSettings withTau(double t) {
        return new StyleIdSettings(gamma, t, layers, steps, adain, start, prompt, guidance, store, tile);
    }

    public StyleIdSettings withLayers(String l) {
        return new StyleIdSettings(gamma, tau, l, steps, adain, start, prompt, guidance, store, tile);
    }

    public StyleIdSettings withSteps(int s) {
        return new StyleIdSettings(gamma, tau, layers, s, adain, start, prompt, guidance, store, tile);
    }

    public StyleIdSettings withAdain(boolean a) {
        return new StyleIdSettings(gamma, tau, layers, steps, a, start, prompt, guidance, store, tile);
    }

    public StyleIdSettings withStart(String s) {
        return new StyleIdSettings(gamma, tau, layers, steps, adain, s, prompt, guidance, store, tile);
    }

    public StyleIdSettings withPrompt(String p, double g) {
        return new StyleIdSettings(gamma, tau, layers, steps, adain, start, p, g, store, tile);
    }

    public StyleIdSettings withStore(String s) {
        return new StyleIdSettings(gamma, tau, layers, steps, adain, start, prompt, guidance, s, tile);
    }

    public StyleIdSettings withTile(int pixels) {
        return new StyleIdSettings(gamma, tau, layers, steps, adain, start, prompt, guidance, store, pixels);
    }

    public boolean guided() { return guidance > 1; }
}
