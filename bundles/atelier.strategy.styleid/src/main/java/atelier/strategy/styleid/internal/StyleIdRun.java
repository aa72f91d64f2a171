package atelier.strategy.styleid.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import atelier.api.FloatImage;
import atelier.api.spi.RunContext;
import atelier.api.spi.StrategyRun;
import atelier.pipeline.diffusion.Images;
import atelier.pipeline.diffusion.RunControl;
import atelier.pipeline.diffusion.SdParts;
import atelier.pipeline.features.StorePolicy;
import atelier.strategy.styleid.StyleId;
import atelier.strategy.styleid.StyleIdSettings;

/** One StyleID run: loads the model, encodes both images (style resized to the content), runs, decodes. */
public final class StyleIdRun implements StrategyRun {
    private final RunContext context;
    private final StyleIdSettings settings;

    public StyleIdRun(RunContext context, StyleIdSettings settings) {
        this.context = context;
        this.settings = settings;
    }

    @Override
    public FloatImage execute() throws Exception {
        NDManager run = context.manager();
        try (SdParts sd = SdParts.load(context.model(context.requestedModel()), run);
                NDManager scope = run.newSubManager()) {
            return execute(sd, context.content(), context.style(), settings, scope, RunControl.of(context));
        }
    }

    /** The whole method on loaded parts (tests call it with a test model). */
    public static FloatImage execute(SdParts sd, FloatImage content, FloatImage style, StyleIdSettings settings,
            NDManager scope, RunControl control) throws Exception {
        if (content == null || style == null) {
            throw new IllegalArgumentException("styleid needs a content image and a style image");
        }
        StyleId method = new StyleId(sd.unet(), sd.schedule(), settings);
        FloatImage styleSized = Images.resize(style, content.width(), content.height());
        control.progress("encode", 0, 2);
        NDArray zc = sd.encodeImage(content, "content", scope);
        NDArray zs = sd.encodeImage(styleSized, "style", scope);
        control.progress("encode", 2, 2);
        NDArray empty = sd.encodePrompt("", scope);
        NDArray prompt = settings.prompt().isEmpty() ? empty : sd.encodePrompt(settings.prompt(), scope);
        StorePolicy policy = StorePolicy.resolve(settings.store(), method.needs(zc.getShape()),
                StorePolicy.defaultBudget());
        StyleId.Outcome out = method.run(zc, zs, empty, prompt, policy, scope, control);
        control.progress("decode", 0, 1);
        FloatImage image = sd.decode(out.latent(), content.width(), content.height());
        control.progress("decode", 1, 1);
        return image;
    }
}
