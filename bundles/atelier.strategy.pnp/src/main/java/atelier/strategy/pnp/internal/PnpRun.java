package atelier.strategy.pnp.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import atelier.api.FloatImage;
import atelier.api.spi.RunContext;
import atelier.api.spi.StrategyRun;
import atelier.pipeline.diffusion.RunControl;
import atelier.pipeline.diffusion.SdParts;
import atelier.pipeline.features.StorePolicy;
import atelier.strategy.pnp.PlugAndPlay;
import atelier.strategy.pnp.PnpSettings;

/** One PnP run: loads the model, encodes the guidance (content) image and the prompts, runs, decodes. */
public final class PnpRun implements StrategyRun {
    private final RunContext context;
    private final PnpSettings settings;

    public PnpRun(RunContext context, PnpSettings settings) {
        this.context = context;
        this.settings = settings;
    }

    @Override
    public FloatImage execute() throws Exception {
        NDManager run = context.manager();
        try (SdParts sd = SdParts.load(context.model(context.requestedModel()), run);
                NDManager scope = run.newSubManager()) {
            return execute(sd, context.content(), settings, scope, RunControl.of(context));
        }
    }

    /** The whole method on loaded parts (tests call it with a test model). */
    public static FloatImage execute(SdParts sd, FloatImage guidance, PnpSettings settings, NDManager scope,
            RunControl control) throws Exception {
        PlugAndPlay method = new PlugAndPlay(sd.unet(), sd.schedule(), settings);
        NDArray z0 = sd.encodeImage(guidance, "content", scope);
        NDArray empty = sd.encodePrompt("", scope);
        NDArray src = settings.sourcePrompt().isEmpty() ? empty : sd.encodePrompt(settings.sourcePrompt(), scope);
        NDArray neg = settings.negativePrompt().isEmpty() ? empty : sd.encodePrompt(settings.negativePrompt(), scope);
        NDArray prompt = sd.encodePrompt(settings.prompt(), scope);
        StorePolicy policy = StorePolicy.resolve(settings.store(), method.needs(z0.getShape()),
                StorePolicy.defaultBudget());
        PlugAndPlay.Outcome out = method.run(z0, src, empty, neg, prompt, policy, scope, control);
        return sd.decode(out.latent(), guidance.width(), guidance.height());
    }
}
