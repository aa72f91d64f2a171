package atelier.runtime.nn;

import java.util.function.Supplier;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * Runs a block in its own sub-manager so that its intermediates are freed as soon as it returns
 * (PLATFORM.md §A.4). The inputs that live in the first input's manager are temporarily attached to the
 * sub-manager (DJL puts results in the first operand's manager), and the result is attached back.
 */
public final class Scope {
    private Scope() { }

    /**
     * Evaluates {@code body} with {@code inputs} moved into a fresh sub-manager of {@code inputs[0]}'s manager;
     * returns the result in that manager. Null inputs are skipped.
     */
    public static NDArray run(Supplier<NDArray> body, NDArray... inputs) {
        NDManager parent = inputs[0].getManager();
        try (NDManager sub = parent.newSubManager()) {
            for (NDArray a : inputs) {
                if (a != null && a.getManager() == parent) {
                    a.tempAttach(sub);
                }
            }
            NDArray out = body.get();
            if (out.getManager() == sub) {
                out.attach(parent);
            }
            return out;
        }
    }
}
