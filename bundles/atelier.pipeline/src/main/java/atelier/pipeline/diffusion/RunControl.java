package atelier.pipeline.diffusion;

import java.util.Locale;

import ai.djl.ndarray.NDArray;
import atelier.api.spi.RunContext;

/** What a strategy's loops report to and ask of their run: progress, cancellation, step traces. */
public interface RunControl {
    /** No progress, never cancelled, no trace. */
    RunControl NONE = new RunControl() { };

    default void progress(String phase, int done, int total) { }

    /** Throws when the user cancelled (a {@link atelier.api.TransferException} of kind CANCELLED). */
    default void checkCancelled() throws Exception { }

    /** Records a latent under a trace name (the sink copies it). */
    default void trace(String name, NDArray latent) { }

    /** The trace name of a timestep: {@code t0981}. */
    static String t(int timestep) { return String.format(Locale.ROOT, "t%04d", timestep); }

    /** Progress, cancellation and trace of a {@link RunContext}. */
    static RunControl of(RunContext context) {
        return new RunControl() {
            @Override
            public void progress(String phase, int done, int total) {
                context.progress().progress(phase, done, total);
            }

            @Override
            public void checkCancelled() throws Exception {
                context.cancellation().throwIfCancelled();
            }

            @Override
            public void trace(String name, NDArray latent) {
                context.trace().ifPresent(t -> t.record(name, latent));
            }
        };
    }
}
