package atelier.runtime.sd;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import atelier.api.TransferException;
import atelier.api.hooks.StepInfo;
import atelier.runtime.scheduler.DdimInversion;
import atelier.runtime.scheduler.DdimScheduler;
import atelier.runtime.unet.UNet2DConditionModel;

/**
 * Naive DDIM inversion ({@link DdimInversion}): the latent of a clean image is walked up the schedule with a
 * single conditioning (usually the empty prompt) and no guidance. Every UNet call gets the hooks of
 * {@link LoopOptions} and a {@link StepInfo} of phase INVERSION with rows {@code ["cond"]} (one per latent),
 * so processors can record features; {@code guidanceScale} is ignored.
 */
public final class Inverter {
    private final UNet2DConditionModel unet;
    private final DdimInversion inversion;

    public Inverter(UNet2DConditionModel unet, DdimScheduler scheduler) {
        this.unet = unet;
        this.inversion = new DdimInversion(scheduler);
    }

    public DdimInversion inversion() { return inversion; }

    /**
     * Inverts {@code z0} (already multiplied by the VAE scaling factor) over the ascending timesteps.
     *
     * @param context the conditioning embedding {@code [1 or B, tokens, D]}
     * @return the inverted latent (at the highest timestep) and, if kept, the latent after every step
     */
    public LoopResult invert(NDArray z0, NDArray context, LoopOptions options, NDManager run)
            throws TransferException {
        int[] timesteps = inversion.timesteps(options.steps());
        long batch = z0.getShape().get(0);
        unet.validate(options.hooks());
        List<String> rows = Collections.nCopies((int) batch, "cond");
        NDArray ctx;
        try (NDManager scratch = run.newSubManager()) {
            ctx = Sampler.expand(context, batch, "inversion", scratch);
            ctx.attach(run);
        }
        NDArray x = z0.duplicate();
        x.attach(run);
        List<NDArray> trajectory = new ArrayList<>();
        try {
            for (int i = 0; i < timesteps.length; i++) {
                options.cancel().throwIfCancelled();
                int t = timesteps[i];
                StepInfo info = new StepInfo(StepInfo.Phase.INVERSION, i, timesteps.length, t, rows);
                try (NDManager step = run.newSubManager()) {
                    x.attach(step);
                    ctx.tempAttach(step);
                    NDArray out = unet.forward(x, step.create((long) t), ctx, options.hooks(), info);
                    NDArray up = inversion.step(out, t, x, options.steps());
                    x = LoopSteps.finish(options, info, out, up, step, run, trajectory);
                }
                options.progress().progress("inversion", i + 1, timesteps.length);
            }
        } catch (TransferException | RuntimeException e) {
            LoopSteps.discard(trajectory, x);
            throw e;
        } finally {
            ctx.close();
        }
        return new LoopResult(x, timesteps, trajectory);
    }
}
