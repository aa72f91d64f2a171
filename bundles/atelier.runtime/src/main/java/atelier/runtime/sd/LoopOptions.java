package atelier.runtime.sd;

import java.util.Objects;

import atelier.api.CancellationToken;
import atelier.api.ProgressListener;
import atelier.api.hooks.HookSet;

/**
 * Settings of a sampling or inversion loop. Immutable; the {@code with…} methods return changed copies.
 *
 * @param steps          number of DDIM steps
 * @param guidanceScale  classifier-free guidance scale s: {@code ε = ε_u + s·(ε_c − ε_u)}; guidance is off for
 *                       s ≤ 1 or when no unconditional context is given (inversion never uses it)
 * @param eta            DDIM η (0 = deterministic)
 * @param hooks          processors handed to every UNet call; latent processors run after every step
 * @param progress       told after every step
 * @param cancel         polled before every step
 * @param keepTrajectory keep the latent after every step (a few MiB at most)
 * @param observer       sees every step's guided model output and new latent, or null
 */
public record LoopOptions(int steps, double guidanceScale, double eta, HookSet hooks, ProgressListener progress,
        CancellationToken cancel, boolean keepTrajectory, StepObserver observer) {

    public LoopOptions {
        if (steps < 1) {
            throw new IllegalArgumentException("steps must be >= 1, was " + steps);
        }
        if (!(guidanceScale >= 0) || Double.isInfinite(guidanceScale)) {
            throw new IllegalArgumentException("guidance scale must be a finite number >= 0, was " + guidanceScale);
        }
        if (!(eta >= 0) || Double.isInfinite(eta)) {
            throw new IllegalArgumentException("eta must be a finite number >= 0, was " + eta);
        }
        hooks = hooks == null ? HookSet.empty() : hooks;
        progress = progress == null ? ProgressListener.NONE : progress;
        cancel = cancel == null ? new CancellationToken() : cancel;
    }

    /** {@code steps} steps, guidance 7.5, η 0, no hooks, trajectory kept. */
    public static LoopOptions of(int steps) {
        return new LoopOptions(steps, 7.5, 0.0, HookSet.empty(), ProgressListener.NONE, new CancellationToken(),
                true, null);
    }

    public LoopOptions withGuidance(double scale) {
        return new LoopOptions(steps, scale, eta, hooks, progress, cancel, keepTrajectory, observer);
    }

    public LoopOptions withEta(double value) {
        return new LoopOptions(steps, guidanceScale, value, hooks, progress, cancel, keepTrajectory, observer);
    }

    public LoopOptions withHooks(HookSet set) {
        return new LoopOptions(steps, guidanceScale, eta, set, progress, cancel, keepTrajectory, observer);
    }

    public LoopOptions withProgress(ProgressListener listener) {
        return new LoopOptions(steps, guidanceScale, eta, hooks, listener, cancel, keepTrajectory, observer);
    }

    public LoopOptions withCancel(CancellationToken token) {
        return new LoopOptions(steps, guidanceScale, eta, hooks, progress, Objects.requireNonNull(token),
                keepTrajectory, observer);
    }

    public LoopOptions withTrajectory(boolean keep) {
        return new LoopOptions(steps, guidanceScale, eta, hooks, progress, cancel, keep, observer);
    }

    public LoopOptions withObserver(StepObserver o) {
        return new LoopOptions(steps, guidanceScale, eta, hooks, progress, cancel, keepTrajectory, o);
    }
}
