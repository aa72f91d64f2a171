package atelier.runtime.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/** Frees intermediates early, but only those still owned by the call (a processor may have taken one). */
public final class Release {
    private Release() { }

    /** Closes {@code a} if it still belongs to {@code owner}. */
    public static void ifOwned(NDArray a, NDManager owner) {
        if (a != null && a.getManager() == owner) {
            a.close();
        }
    }
}
