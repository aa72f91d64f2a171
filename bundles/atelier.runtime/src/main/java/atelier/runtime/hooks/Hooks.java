package atelier.runtime.hooks;

import java.util.Arrays;
import java.util.List;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import atelier.api.hooks.AttentionProcessor;
import atelier.api.hooks.FeatureProcessor;
import atelier.api.hooks.HookSet;
import atelier.api.hooks.StepInfo;

/**
 * The hooks of one model call: a {@link HookSet}, where the call sits in its run, and the call's manager.
 * Modules ask it at each hook point; with no processor on a path the value passes through untouched, so a call
 * without processors computes exactly what the plain forward computes.
 */
public final class Hooks {
    private static final Hooks NONE = new Hooks(HookSet.empty(), null, null);

    private final HookSet set;
    private final StepInfo step;
    private final NDManager stepManager;

    private Hooks(HookSet set, StepInfo step, NDManager stepManager) {
        this.set = set;
        this.step = step;
        this.stepManager = stepManager;
    }

    /** No processors anywhere. */
    public static Hooks none() { return NONE; }

    /**
     * Hooks for one call.
     *
     * @param stepManager the manager handed to processors as {@code manager()}: freed when the call's step ends
     */
    public static Hooks of(HookSet set, StepInfo step, NDManager stepManager) {
        if (set == null || set.isEmpty()) {
            return NONE;
        }
        return new Hooks(set, step, stepManager);
    }

    public StepInfo step() { return step; }

    /** True if any attention processor sits at {@code path}. */
    public boolean hasAttention(String path) {
        return !set.attentionAt(path).isEmpty();
    }

    /**
     * Runs the feature processors at {@code path} over a module's output and returns what they leave (the same
     * array when there are none). A replacement must have the output's shape; one living in another manager is
     * copied into the output's manager, so that the caller's memory scoping stays intact.
     */
    public NDArray feature(String path, NDArray output) {
        List<FeatureProcessor> ps = set.featuresAt(path);
        if (ps.isEmpty()) {
            return output;
        }
        FeatureInvocation call = new FeatureInvocation(path, step, output, stepManager);
        for (FeatureProcessor p : ps) {
            try {
                p.process(call);
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new HookException("feature processor at '" + path + "' failed: " + e.getMessage(), e);
            }
        }
        NDArray out = call.output();
        if (out != output) {
            checkSameShape(path, "output", output, out);
            out = adopt(out, output.getManager());
        }
        return out;
    }

    /**
     * Runs the attention processors at {@code path}. The returned call holds the final query, key, value, logit
     * scale and extra streams, every array in the query's manager.
     */
    public AttentionInvocation attention(String path, boolean self, int heads, NDArray hidden, NDArray context,
            NDArray q, NDArray k, NDArray v) {
        return attention(path, self, heads, hidden, context, q, k, v, null);
    }

    /** As above, with the module's projections offered to processors (null for none). */
    public AttentionInvocation attention(String path, boolean self, int heads, NDArray hidden, NDArray context,
            NDArray q, NDArray k, NDArray v, atelier.runtime.injection.AttentionProjections projections) {
        AttentionInvocation call = new AttentionInvocation(path, step, self, heads, hidden, context, q, k, v,
                stepManager, projections);
        for (AttentionProcessor p : set.attentionAt(path)) {
            try {
                p.process(call);
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new HookException("attention processor at '" + path + "' failed: " + e.getMessage(), e);
            }
        }
        call.finish(q.getManager());
        return call;
    }

    static void checkSameShape(String path, String what, NDArray expected, NDArray actual) {
        if (!expected.getShape().equals(actual.getShape())) {
            throw new IllegalArgumentException("processor at '" + path + "' set " + what + " of shape "
                    + Arrays.toString(actual.getShape().getShape()) + " but it must be "
                    + Arrays.toString(expected.getShape().getShape()));
        }
    }

    /** The array itself if it lives in {@code target}, else a copy there (the original stays with its owner). */
    static NDArray adopt(NDArray a, NDManager target) {
        if (a.getManager() == target) {
            return a;
        }
        NDArray copy = a.duplicate();
        copy.attach(target);
        return copy;
    }
}
