package atelier.strategy.styleid;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import atelier.api.hooks.HookSet;
import atelier.api.hooks.StepInfo;
import atelier.pipeline.diffusion.DdimSchedule;
import atelier.pipeline.diffusion.DecoderLayers;
import atelier.pipeline.diffusion.RunControl;
import atelier.pipeline.features.FeatureKey;
import atelier.pipeline.features.FeatureNeeds;
import atelier.pipeline.features.FeatureStore;
import atelier.pipeline.features.StorePolicy;
import atelier.runtime.injection.AttentionProjections;
import atelier.runtime.injection.CaptureProcessor;
import atelier.runtime.injection.FeatureKind;
import atelier.runtime.injection.RowSourceStyleFeatures;
import atelier.runtime.injection.StyleFeatureSource;
import atelier.runtime.injection.StyleFeatures;
import atelier.runtime.injection.StyleInjectionProcessor;
import atelier.runtime.unet.UNet2DConditionModel;
import atelier.runtime.unet.UNetConfig;

/**
 * StyleID on latents. Both latents are DDIM-inverted with the empty prompt and no guidance; at every inversion
 * timestep t the UNet sees the latent at noise level t (the LDM convention), and the inputs of the injected
 * self-attention layers are captured under t for content and style (their queries, keys and values are
 * projected from them at generation, which stores 2 instead of 3 tensors per layer); with the recompute
 * policy only the latents are kept and the content and style rows run in the generation batch. Generation starts from the (AdaIN'd) inverted content latent and, at every executed
 * step t, injects {@code Q̃ = γ·Q_content(t) + (1−γ)·Q}, {@code K_style(t)}, {@code V_style(t)} and τ through
 * {@link StyleInjectionProcessor}.
 *
 * <p>The style half (its trajectory, captured features and inverted latent) is a {@link StyleSide} computed by
 * {@link #invertStyle} and read, never written, by {@link #run(NDArray, StyleSource, NDArray, NDArray, StorePolicy,
 * NDManager, RunControl) generations}: one per style, size and settings serves every tile and every plane.
 *
 * <p>Start modes: {@code reference} inverts the last step to t = 999 and skips the first sampling timestep,
 * as the official code does; {@code clean} inverts to the first sampling timestep (its features come from one
 * extra capture-only call there) and runs every step.
 */
public final class StyleId {
    /** Batch-row labels. */
    public static final String CONTENT = "content";
    public static final String STYLE = "style";

    private final UNet2DConditionModel unet;
    private final DdimSchedule schedule;
    private final StyleIdSettings settings;
    private final List<String> layers;

    /** What a run produced. */
    public record Outcome(NDArray latent, StorePolicy policy, long storeBytes, long storeFeatureBytes) { }

    public StyleId(UNet2DConditionModel unet, DdimSchedule schedule, StyleIdSettings settings) {
        this.unet = unet;
        this.schedule = schedule;
        this.settings = settings;
        this.layers = DecoderLayers.selfAttention(settings.layers(), unet, "layers");
    }

    public List<String> layers() { return layers; }

    /**
     * What the store will hold for latents of this shape: the attn1 inputs (hidden states) of content and style
     * per injected layer and used step (Q, K and V are projected from them at generation), and both latent
     * trajectories.
     */
    public FeatureNeeds needs(Shape latent) {
        UNetConfig c = unet.config();
        int[] ch = c.blockOutChannels();
        int levels = ch.length;
        long perStep = 0;
        for (String p : layers) {
            int up = Integer.parseInt(p.split("\\.")[1]);
            int level = levels - 1 - up;
            long tokens = (latent.get(2) >> level) * (latent.get(3) >> level);
            perStep += 2 * tokens * ch[level];
        }
        return new FeatureNeeds(perStep * usedSteps(), 2L * settings.steps() * latent.size());
    }

    /** Generation steps that run (the reference start skips the first). */
    private int usedSteps() {
        return settings.start().equals(StyleIdSettings.REFERENCE) ? settings.steps() - 1 : settings.steps();
    }

    /** Supplies the style half when a run needs it: after the content's inversion (a cache lookup, say). */
    @FunctionalInterface
    public interface StyleSource {
        StyleSide get() throws Exception;
    }

    /**
     * Runs StyleID on both latents: the content is inverted, then the style (into a {@link StyleSide} of this run,
     * closed at the end), then the generation runs.
     *
     * @param content      scaled content latent {@code [1, 4, h, w]}
     * @param style        scaled style latent, same shape
     * @param emptyContext text context of "" {@code [1, 77, C]} (inversion, source rows, uncond row)
     * @param promptContext text context of the prompt (the generation row; cond row with guidance)
     * @param policy       the resolved store policy
     * @param run          the run's manager: the result lives there
     */
    public Outcome run(NDArray content, NDArray style, NDArray emptyContext, NDArray promptContext,
            StorePolicy policy, NDManager run, RunControl control) throws Exception {
        if (!content.getShape().equals(style.getShape())) {
            throw new IllegalArgumentException("content latent " + content.getShape() + " and style latent "
                    + style.getShape() + " must have the same shape");
        }
        control.trace("encode.content", content);
        control.trace("encode.style", style);
        StyleSide[] side = new StyleSide[1];
        try {
            return run(content, () -> side[0] = invertStyle(style, emptyContext, policy, run, control), emptyContext,
                    promptContext, policy, run, control);
        } finally {
            if (side[0] != null) {
                side[0].close();
            }
        }
    }

    /**
     * Runs StyleID against a style half computed elsewhere (once for all tiles and planes): inverts the content into
     * a store of this call, asks {@code style} for the style half, then generates. The content's store is closed
     * when this returns; the style half is not.
     *
     * @param content the scaled content latent; its shape must be the style half's
     * @param style   asked once, after the content's inversion
     * @param run     the result lives there; the content's store is a sub-manager of it
     * @throws IllegalArgumentException when the style half was computed for another shape, policy or settings
     */
    public Outcome run(NDArray content, StyleSource style, NDArray emptyContext, NDArray promptContext,
            StorePolicy policy, NDManager run, RunControl control) throws Exception {
        int[] gen = schedule.timesteps(settings.steps());
        boolean reference = settings.start().equals(StyleIdSettings.REFERENCE);
        try (FeatureStore store = FeatureStore.open(policy, run)) {
            NDArray zc = invert(CONTENT, content, gen, reference, emptyContext, store, run, control);
            StyleSide side = style.get();
            if (!side.latentShape().equals(content.getShape())) {
                throw new IllegalArgumentException("content latent " + content.getShape() + " and style latent "
                        + side.latentShape() + " must have the same shape");
            }
            if (side.policy() != policy || !side.signature().equals(signature())) {
                throw new IllegalArgumentException("the style half was computed with " + side.signature() + ", store "
                        + side.policy() + "; this run needs " + signature() + ", store " + policy);
            }
            NDArray init = zc;
            if (settings.adain()) {
                NDArray zs = side.invertedLatent(run);
                init = AdaIn.apply(zc, zs);
                zs.close();
            }
            control.trace("initial", init);
            NDArray out = generate(init, gen, reference ? 1 : 0, emptyContext, promptContext, store::require,
                    side::require, policy.recomputes(), run, control);
            control.trace("final", out);
            return new Outcome(out, policy, store.bytes() + side.bytes(), store.featureBytes() + side.featureBytes());
        }
    }

    /**
     * Inverts the style latent and keeps what every generation against it reads: its latent trajectory, the
     * captured attn1 inputs (unless {@code policy} recomputes) and the inverted latent. Progress and traces are
     * {@code inversion style} / {@code inversion.style.tNNNN}.
     *
     * @param style scaled style latent {@code [1, 4, h, w]} (not kept: the store copies it)
     * @param into  where the value's tensors live (a run cache's loader manager, say)
     */
    public StyleSide invertStyle(NDArray style, NDArray emptyContext, StorePolicy policy, NDManager into,
            RunControl control) throws Exception {
        int[] gen = schedule.timesteps(settings.steps());
        boolean reference = settings.start().equals(StyleIdSettings.REFERENCE);
        FeatureStore store = FeatureStore.open(policy, into);
        try {
            NDArray zs = invert(STYLE, style, gen, reference, emptyContext, store, into, control);
            if (zs == style) {
                zs = style.duplicate();
                zs.attach(into);
            }
            return new StyleSide(store, zs, style.getShape(), signature());
        } catch (Exception | Error e) {
            store.close();
            throw e;
        }
    }

    /** The settings a style half depends on. */
    String signature() {
        return "steps=" + settings.steps() + ", start=" + settings.start() + ", layers=" + layers;
    }

    private NDArray invert(String name, NDArray z0, int[] gen, boolean reference, NDArray ctx, FeatureStore store,
            NDManager run, RunControl control) throws Exception {
        int n = gen.length;
        HookSet capture = HookSet.empty();
        if (!store.policy().recomputes()) {
            CaptureProcessor p = new CaptureProcessor(EnumSet.of(FeatureKind.HIDDEN), null,
                    (path, kind, t, a) -> store.accept(name + ":" + path, kind, t, a));
            for (String l : layers) {
                capture.attention(l, p);
            }
        }
        NDArray x = z0;
        for (int i = 0; i < n; i++) {
            control.checkCancelled();
            int t = gen[n - 1 - i];
            store.put(new FeatureKey(name, FeatureKind.LATENT, t), x);
            Integer target = i < n - 1 ? Integer.valueOf(gen[n - 2 - i])
                    : reference ? Integer.valueOf(schedule.trainSteps() - 1) : null;
            if (target == null && store.policy().recomputes()) {
                break; // the capture-only call has nothing to capture
            }
            NDArray old = x;
            try (NDManager step = run.newSubManager()) {
                x.tempAttach(step);
                boolean unused = reference && t == gen[0]; // the reference start never samples at gen[0]
                NDArray eps = unet.forward(x, step.create(new int[] {t}), ctx, unused ? HookSet.empty() : capture,
                        new StepInfo(StepInfo.Phase.INVERSION, i, n, t, List.of(name)));
                if (target != null) {
                    NDArray next = DdimSchedule.move(x, eps, schedule.alpha(t), schedule.alpha(target));
                    next.attach(run);
                    control.trace("inversion." + name + "." + RunControl.t(target), next);
                    x = next;
                }
            }
            if (old != z0 && old != x) {
                old.close();
            }
            control.progress("inversion " + name, i + 1, n);
        }
        return x;
    }

    /** Reads a stored tensor as a copy in the given manager. */
    @FunctionalInterface
    private interface Reader {
        NDArray require(FeatureKey key, NDManager into);
    }

    private NDArray generate(NDArray init, int[] gen, int skip, NDArray empty, NDArray prompt, Reader contentStore,
            Reader styleStore, boolean recompute, NDManager run, RunControl control) throws Exception {
        boolean guided = settings.guided();
        List<String> rows = new ArrayList<>();
        List<NDArray> ctxRows = new ArrayList<>();
        if (recompute) {
            rows.add(CONTENT);
            rows.add(STYLE);
            ctxRows.add(empty);
            ctxRows.add(empty);
        }
        if (guided) {
            rows.add("uncond");
            rows.add("cond");
            ctxRows.add(empty);
            ctxRows.add(prompt);
        } else {
            rows.add("gen");
            ctxRows.add(prompt);
        }
        int offset = recompute ? 2 : 0;
        int genRows = guided ? 2 : 1;
        NDArray ctx = ctxRows.get(0);
        if (ctxRows.size() > 1) {
            ctx = NDArrays.concat(new NDList(ctxRows), 0);
            ctx.attach(run); // it would land in the context's (longer-lived) manager
        }
        StyleFeatureSource source = recompute ? new RowSourceStyleFeatures(CONTENT, STYLE, Set.of())
                : call -> {
                    if (!(call instanceof AttentionProjections proj)) {
                        throw new IllegalStateException("attention call at " + call.path() + " offers no projections;"
                                + " use store=recompute");
                    }
                    int t = call.step().timestep();
                    NDManager m = call.manager();
                    NDArray hc = contentStore.require(new FeatureKey(CONTENT + ":" + call.path(), FeatureKind.HIDDEN,
                            t), m);
                    NDArray hs = styleStore.require(new FeatureKey(STYLE + ":" + call.path(), FeatureKind.HIDDEN,
                            t), m);
                    return new StyleFeatures(proj.projectQuery(hc), proj.projectKey(hs), proj.projectValue(hs));
                };
        HookSet hooks = HookSet.empty();
        StyleInjectionProcessor p = new StyleInjectionProcessor(settings.gamma(), settings.tau(), source,
                Set.of(CONTENT, STYLE));
        for (String l : layers) {
            hooks.attention(l, p);
        }
        NDArray x = init;
        int count = gen.length - skip;
        for (int i = 0; i < count; i++) {
            control.checkCancelled();
            int t = gen[skip + i];
            NDArray old = x;
            try (NDManager step = run.newSubManager()) {
                x.tempAttach(step);
                List<NDArray> in = new ArrayList<>();
                if (recompute) {
                    in.add(contentStore.require(new FeatureKey(CONTENT, FeatureKind.LATENT, t), step));
                    in.add(styleStore.require(new FeatureKey(STYLE, FeatureKind.LATENT, t), step));
                }
                for (int r = 0; r < genRows; r++) {
                    in.add(x);
                }
                NDArray batch = in.size() == 1 ? x : NDArrays.concat(new NDList(in), 0);
                NDArray eps = unet.forward(batch, step.create(new int[] {t}), ctx, hooks,
                        new StepInfo(StepInfo.Phase.GENERATION, i, count, t, rows));
                NDArray e = eps.get(offset + ":" + (offset + 1));
                if (guided) {
                    e = e.add(eps.get((offset + 1) + ":" + (offset + 2)).sub(e).muli((float) settings.guidance()));
                }
                int prev = schedule.previous(t, settings.steps());
                NDArray next = DdimSchedule.move(x, e, schedule.alpha(t), schedule.alpha(prev));
                next.attach(run);
                control.trace("generation." + RunControl.t(t), next);
                x = next;
            }
            if (old != init) {
                old.close();
            }
            control.progress("generation", i + 1, count);
        }
        return x;
    }
}
