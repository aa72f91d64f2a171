package atelier.runtime.sd;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import atelier.api.TransferException;
import atelier.api.hooks.StepInfo;
import atelier.runtime.scheduler.DdimScheduler;
import atelier.runtime.scheduler.StepResult;
import atelier.runtime.unet.UNet2DConditionModel;

/**
 * DDIM sampling with classifier-free guidance. With guidance each UNet call sees the batch
 * {@code [uncond…, cond…]} (rows labelled {@code "uncond"}, {@code "cond"}); without, {@code [cond…]}. The
 * hooks of {@link LoopOptions} go to every UNet call with a {@link StepInfo} of phase GENERATION; latent
 * processors run after every scheduler step; cancellation is polled before every step.
 *
 * <p>Memory: the caller's run manager holds the context, the result and the trajectory; each step opens a
 * sub-manager for everything else and closes it before the next.
 */
public final class Sampler {
    private final UNet2DConditionModel unet;
    private final DdimScheduler scheduler;

    public Sampler(UNet2DConditionModel unet, DdimScheduler scheduler) {
        this.unet = unet;
        this.scheduler = scheduler;
    }

    public DdimScheduler scheduler() { return scheduler; }

    /**
     * Runs the loop from {@code zT} over all {@code options.steps()} timesteps.
     *
     * @param zT     the initial latent {@code [B, C, h, w]} (not modified, not closed)
     * @param cond   the prompt's text embedding {@code [1 or B, tokens, D]}
     * @param uncond the negative prompt's embedding, or null for no guidance
     * @param run    where the result and trajectory go
     * @throws TransferException of kind CANCELLED when the options' token is cancelled
     */
    public LoopResult sample(NDArray zT, NDArray cond, NDArray uncond, LoopOptions options, NDManager run)
            throws TransferException {
        return sample(zT, cond, uncond, options, scheduler.timesteps(options.steps()), run);
    }

    /**
     * Runs the loop over a given subset of the schedule's timesteps (e.g. skipping the first few, as
     * image-to-image and some style methods do). Each timestep must belong to the {@code options.steps()} grid.
     */
    public LoopResult sample(NDArray zT, NDArray cond, NDArray uncond, LoopOptions options, int[] timesteps,
            NDManager run) throws TransferException {
        long batch = zT.getShape().get(0);
        boolean guided = uncond != null && options.guidanceScale() > 1.0;
        unet.validate(options.hooks());
        List<String> rows = new ArrayList<>();
        if (guided) {
            rows.addAll(Collections.nCopies((int) batch, "uncond"));
        }
        rows.addAll(Collections.nCopies((int) batch, "cond"));

        NDArray context;
        try (NDManager scratch = run.newSubManager()) {
            NDArray c = expand(cond, batch, "cond", scratch);
            NDArray ctx = guided ? expand(uncond, batch, "uncond", scratch).concat(c, 0) : c.duplicate();
            ctx.attach(run);
            context = ctx;
        }
        NDArray x = zT.duplicate();
        x.attach(run);
        List<NDArray> trajectory = new ArrayList<>();
        try {
            for (int i = 0; i < timesteps.length; i++) {
                options.cancel().throwIfCancelled();
                int t = timesteps[i];
                StepInfo info = new StepInfo(StepInfo.Phase.GENERATION, i, timesteps.length, t, rows);
                try (NDManager step = run.newSubManager()) {
                    x.attach(step);
                    context.tempAttach(step);
                    NDArray in = guided ? x.concat(x, 0) : x;
                    NDArray ts = step.create((long) t);
                    NDArray out = unet.forward(in, ts, context, options.hooks(), info);
                    NDArray eps;
                    if (guided) {
                        NDArray u = out.get("0:" + batch);
                        NDArray c = out.get(batch + ":");
                        eps = u.add(c.sub(u).mul((float) options.guidanceScale()));
                    } else {
                        eps = out;
                    }
                    StepResult r = scheduler.step(eps, t, x, options.steps(), options.eta(), null);
                    x = LoopSteps.finish(options, info, eps, r.prevSample(), step, run, trajectory);
                }
                options.progress().progress("generation", i + 1, timesteps.length);
            }
        } catch (TransferException | RuntimeException e) {
            LoopSteps.discard(trajectory, x);
            throw e;
        } finally {
            context.close();
        }
        return new LoopResult(x, timesteps, trajectory);
    }

    /** The embedding repeated to {@code batch} rows (a 1-row embedding serves every latent). */
    static NDArray expand(NDArray embedding, long batch, String what, NDManager into) {
        long rows = embedding.getShape().get(0);
        if (embedding.getShape().dimension() != 3) {
            throw new IllegalArgumentException(what + " embedding must be [B, tokens, D], got " + embedding.getShape());
        }
        if (rows == batch) {
            NDArray d = embedding.duplicate();
            d.attach(into);
            return d;
        }
        if (rows != 1) {
            throw new IllegalArgumentException(what + " embedding has " + rows + " rows for " + batch + " latents");
        }
        NDArray r = embedding.repeat(0, batch);
        r.attach(into);
        return r;
    }
}
