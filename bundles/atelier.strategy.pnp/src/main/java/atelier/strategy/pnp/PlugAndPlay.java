package atelier.strategy.pnp;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
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
import atelier.runtime.injection.BatchRows;
import atelier.runtime.injection.CaptureProcessor;
import atelier.runtime.injection.FeatureKind;
import atelier.runtime.unet.UNet2DConditionModel;

/**
 * Plug-and-Play on latents. The guidance latent is DDIM-inverted with the inversion prompt and no guidance
 * (diffusers' inverse-scheduler pairing: the UNet sees the latent of the previous level with the current
 * timestep); the latents at the sampling timesteps are kept. Generation starts from the inverted latent at the
 * first sampling timestep and runs the rows {@code [uncond, negative, cond]} (those that the guidance scale and
 * α schedule need); for the first τ_f steps the feature layer's residual branch and for the first τ_A steps the
 * injected layers' self-attention Q and K of every generation row come from the source branch, which is either
 * recomputed in an extra batch row {@code source} from the stored latent (recompute policy) or read from the
 * feature store filled by one extraction pass over the same latents.
 */
public final class PlugAndPlay {
    /** Batch-row label of the source branch. */
    public static final String SOURCE = "source";

    private final UNet2DConditionModel unet;
    private final DdimSchedule schedule;
    private final PnpSettings s;
    private final List<String> attnLayers;
    private final String featurePath;
    private final int[] gen;
    private final int[] inversion;

    /** What a run produced: the final latent and the inverted start latent. */
    public record Outcome(NDArray latent, NDArray start, StorePolicy policy, long storeBytes,
            long storeFeatureBytes) { }

    public PlugAndPlay(UNet2DConditionModel unet, DdimSchedule schedule, PnpSettings settings) {
        this.unet = unet;
        this.schedule = schedule;
        this.s = settings;
        this.attnLayers = DecoderLayers.selfAttention(settings.attnLayers(), unet, "attn_layers");
        this.featurePath = settings.featureLayer().endsWith(".conv2") ? settings.featureLayer()
                : settings.featureLayer() + ".conv2";
        if (!unet.featurePaths().contains(featurePath) || !featurePath.contains(".resnets.")) {
            throw new IllegalArgumentException("feature_layer: the model has no resnet '" + settings.featureLayer()
                    + "' (e.g. up_blocks.1.resnets.1)");
        }
        this.gen = schedule.timesteps(settings.steps());
        int[] desc = schedule.timesteps(settings.inversionSteps());
        Set<Integer> grid = new HashSet<>();
        for (int t : desc) {
            grid.add(t);
        }
        for (int t : gen) {
            if (!grid.contains(t)) {
                throw new IllegalArgumentException("inversion_steps: sampling timestep " + t + " (of " + settings.steps()
                        + " steps) is not on the grid of " + settings.inversionSteps() + " inversion steps; use"
                        + " 999, or a count whose grid contains the sampling one (e.g. equal to steps)");
            }
        }
        inversion = new int[desc.length];
        for (int i = 0; i < desc.length; i++) {
            inversion[i] = desc[desc.length - 1 - i];
        }
    }

    private int injectedSteps() { return Math.max(s.tauF(), s.tauA()); }

    /**
     * What the store will hold: the input of each injected self-attention layer for τ_A steps (Q and K are projected
     * from it at generation), the residual for τ_f steps, the latents.
     */
    public FeatureNeeds needs(Shape latent) {
        int[] ch = unet.config().blockOutChannels();
        int levels = ch.length;
        long elements = 0;
        for (String p : attnLayers) {
            int level = levels - 1 - Integer.parseInt(p.split("\\.")[1]);
            elements += (long) s.tauA() * (latent.get(2) >> level) * (latent.get(3) >> level) * ch[level];
        }
        int level = levels - 1 - Integer.parseInt(featurePath.split("\\.")[1]);
        elements += (long) s.tauF() * (latent.get(2) >> level) * (latent.get(3) >> level) * ch[level];
        return new FeatureNeeds(elements, (long) gen.length * latent.size());
    }

    /**
     * Runs PnP.
     *
     * @param z0            scaled guidance latent {@code [1, 4, h, w]}
     * @param sourceContext context of the inversion prompt
     * @param emptyContext  context of ""
     * @param negContext    context of the negative prompt
     * @param promptContext context of the target prompt
     */
    public Outcome run(NDArray z0, NDArray sourceContext, NDArray emptyContext, NDArray negContext,
            NDArray promptContext, StorePolicy policy, NDManager run, RunControl control) throws Exception {
        try (FeatureStore store = FeatureStore.open(policy, run)) {
            control.trace("encode.content", z0);
            NDArray start = invert(z0, sourceContext, store, run, control);
            control.trace("initial", start);
            if (!policy.recomputes()) {
                extract(sourceContext, store, run, control);
            }
            NDArray out = generate(start, sourceContext, emptyContext, negContext, promptContext, store, run,
                    control);
            control.trace("final", out);
            return new Outcome(out, start, policy, store.bytes(), store.featureBytes());
        }
    }

    private NDArray invert(NDArray z0, NDArray ctx, FeatureStore store, NDManager run, RunControl control)
            throws Exception {
        Set<Integer> needed = new HashSet<>();
        for (int t : gen) {
            needed.add(t);
        }
        NDArray x = z0;
        int last = gen[0];
        int total = 0;
        while (total < inversion.length && inversion[total] <= last) {
            total++;
        }
        for (int i = 0; i < total; i++) {
            control.checkCancelled();
            int t = inversion[i];
            float from = i == 0 ? schedule.alpha(-1) : schedule.alpha(inversion[i - 1]);
            NDArray old = x;
            try (NDManager step = run.newSubManager()) {
                x.tempAttach(step);
                NDArray eps = unet.forward(x, step.create(new int[] {t}), ctx, HookSet.empty(),
                        new StepInfo(StepInfo.Phase.INVERSION, i, total, t, List.of(SOURCE)));
                NDArray next = DdimSchedule.move(x, eps, from, schedule.alpha(t));
                next.attach(run);
                x = next;
            }
            if (old != z0) {
                old.close();
            }
            if (needed.contains(t)) {
                store.put(new FeatureKey(SOURCE, FeatureKind.LATENT, t), x);
            }
            control.trace("inversion.content." + RunControl.t(t), x);
            control.progress("inversion", i + 1, total);
        }
        return x;
    }

    private void extract(NDArray ctx, FeatureStore store, NDManager run, RunControl control) throws Exception {
        int n = injectedSteps();
        for (int i = 0; i < n; i++) {
            control.checkCancelled();
            int t = gen[i];
            HookSet capture = HookSet.empty();
            if (i < s.tauA()) {
                CaptureProcessor qk = new CaptureProcessor(EnumSet.of(FeatureKind.HIDDEN), null, store);
                for (String l : attnLayers) {
                    capture.attention(l, qk);
                }
            }
            if (i < s.tauF()) {
                capture.feature(featurePath, new CaptureProcessor(EnumSet.of(FeatureKind.RESIDUAL), null, store));
            }
            try (NDManager step = run.newSubManager()) {
                NDArray x = store.require(new FeatureKey(SOURCE, FeatureKind.LATENT, t), step);
                unet.forward(x, step.create(new int[] {t}), ctx, capture,
                        new StepInfo(StepInfo.Phase.GENERATION, i, gen.length, t, List.of(SOURCE)));
            }
            control.progress("features", i + 1, n);
        }
    }

    private NDArray generate(NDArray start, NDArray srcCtx, NDArray empty, NDArray neg, NDArray prompt,
            FeatureStore store, NDManager run, RunControl control) throws Exception {
        boolean recompute = store.policy().recomputes();
        boolean guided = s.guidance() > 1;
        boolean hasNeg = guided && !s.negativePrompt().isEmpty() && (s.alpha0() < 1 || !s.alphaSchedule().equals(
                "constant"));
        boolean hasUncond = guided && (s.negativePrompt().isEmpty() || s.alpha0() > 0);
        List<String> genRows = new ArrayList<>();
        List<NDArray> genCtx = new ArrayList<>();
        if (hasUncond) {
            genRows.add("uncond");
            genCtx.add(empty);
        }
        if (hasNeg) {
            genRows.add("negative");
            genCtx.add(neg);
        }
        genRows.add("cond");
        genCtx.add(prompt);
        // concat puts its result in the first context's manager, which outlives the run (tiles share the
        // prompt contexts): keep the batched contexts in the run's manager
        NDArray ctxPlain = NDArrays.concat(new NDList(genCtx), 0);
        ctxPlain.attach(run);
        List<NDArray> withSource = new ArrayList<>();
        withSource.add(srcCtx);
        withSource.addAll(genCtx);
        NDArray ctxSource = NDArrays.concat(new NDList(withSource), 0);
        ctxSource.attach(run);
        List<String> rowsSource = new ArrayList<>();
        rowsSource.add(SOURCE);
        rowsSource.addAll(genRows);

        SourceFeature source = recompute
                ? (path, kind, step, batch, into) -> BatchRows.row(batch, BatchRows.row(step, batch.getShape().get(0),
                        SOURCE))
                : (path, kind, step, batch, into) -> store.require(new FeatureKey(path, kind, step.timestep()), into);
        HookSet hooks = HookSet.empty();
        if (s.tauA() > 0) {
            QueryKeyInjection qk = new QueryKeyInjection(s.tauA(), source, Set.of(SOURCE), !recompute);
            for (String l : attnLayers) {
                hooks.attention(l, qk);
            }
        }
        if (s.tauF() > 0) {
            hooks.feature(featurePath, new ResidualInjection(s.tauF(), source, Set.of(SOURCE)));
        }
        NDArray x = start;
        for (int i = 0; i < gen.length; i++) {
            control.checkCancelled();
            int t = gen[i];
            boolean withSrc = recompute && i < injectedSteps();
            int offset = withSrc ? 1 : 0;
            NDArray old = x;
            try (NDManager step = run.newSubManager()) {
                x.tempAttach(step);
                List<NDArray> in = new ArrayList<>();
                if (withSrc) {
                    in.add(store.require(new FeatureKey(SOURCE, FeatureKind.LATENT, t), step));
                }
                for (int r = 0; r < genRows.size(); r++) {
                    in.add(x);
                }
                NDArray batch = in.size() == 1 ? x : NDArrays.concat(new NDList(in), 0);
                NDArray eps = unet.forward(batch, step.create(new int[] {t}), withSrc ? ctxSource : ctxPlain,
                        i < injectedSteps() ? hooks : HookSet.empty(),
                        new StepInfo(StepInfo.Phase.GENERATION, i, gen.length, t, withSrc ? rowsSource : genRows));
                NDArray e = guide(eps, offset, hasUncond, hasNeg, i);
                NDArray next = DdimSchedule.move(x, e, schedule.alpha(t), schedule.alpha(schedule.previous(t,
                        s.steps())));
                next.attach(run);
                control.trace("generation." + RunControl.t(t), next);
                x = next;
            }
            if (old != start) {
                old.close();
            }
            control.progress("generation", i + 1, gen.length);
        }
        return x;
    }

    /** ε̃ = α_i·ε(∅) + (1−α_i)·ε(n); ε = ε̃ + s·(ε(P) − ε̃). */
    private NDArray guide(NDArray eps, int offset, boolean hasUncond, boolean hasNeg, int i) {
        int r = offset;
        NDArray u = hasUncond ? eps.get(r + ":" + (++r)) : null;
        NDArray n = hasNeg ? eps.get(r + ":" + (++r)) : null;
        NDArray c = eps.get(r + ":" + (r + 1));
        if (u == null && n == null) {
            return c;
        }
        NDArray base;
        if (u != null && n != null) {
            float a = (float) s.alpha(i);
            base = u.mul(a).addi(n.mul(1 - a));
        } else {
            base = u != null ? u : n;
        }
        return base.add(c.sub(base).muli((float) s.guidance()));
    }
}
