package atelier.runtime.hooks;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import atelier.api.hooks.AttentionCall;
import atelier.api.hooks.StepInfo;
import atelier.runtime.injection.AttentionProjections;

/**
 * One call of an attention module as its {@link atelier.api.hooks.AttentionProcessor}s see it. After the
 * processors ran, the module reads the final {@link #query()}, {@link #key()}, {@link #value()},
 * {@link #logitScale()} and {@link #streams()}.
 */
public final class AttentionInvocation implements AttentionCall, AttentionProjections {
    /** An extra key/value stream whose attention output is added with a weight. */
    public record KeyValueStream(NDArray key, NDArray value, double weight) { }

    private final String path;
    private final StepInfo step;
    private final boolean self;
    private final int heads;
    private final NDArray hidden;
    private final NDArray context;
    private final NDManager manager;
    private final Shape queryShape;
    private NDArray query;
    private NDArray key;
    private NDArray value;
    private double logitScale = 1.0;
    private final List<KeyValueStream> streams = new ArrayList<>();
    private final AttentionProjections projections;

    AttentionInvocation(String path, StepInfo step, boolean self, int heads, NDArray hidden, NDArray context,
            NDArray q, NDArray k, NDArray v, NDManager manager, AttentionProjections projections) {
        this.projections = projections;
        this.path = path;
        this.step = step;
        this.self = self;
        this.heads = heads;
        this.hidden = hidden;
        this.context = context;
        this.query = q;
        this.key = k;
        this.value = v;
        this.queryShape = q.getShape();
        this.manager = manager;
    }

    @Override
    public String path() { return path; }

    @Override
    public StepInfo step() { return step; }

    @Override
    public boolean isSelfAttention() { return self; }

    @Override
    public int heads() { return heads; }

    @Override
    public NDArray hiddenStates() { return hidden; }

    @Override
    public NDArray context() { return context; }

    @Override
    public NDArray query() { return query; }

    @Override
    public NDArray key() { return key; }

    @Override
    public NDArray value() { return value; }

    @Override
    public void setQuery(NDArray q) {
        if (q == null || !q.getShape().equals(queryShape)) {
            throw new IllegalArgumentException("processor at '" + path + "' set a query of shape "
                    + (q == null ? "null" : Arrays.toString(q.getShape().getShape())) + " but it must be "
                    + Arrays.toString(queryShape.getShape()));
        }
        this.query = q;
    }

    @Override
    public void setKey(NDArray k) {
        checkKeyValue("key", k);
        this.key = k;
    }

    @Override
    public void setValue(NDArray v) {
        checkKeyValue("value", v);
        this.value = v;
    }

    @Override
    public double logitScale() { return logitScale; }

    @Override
    public void setLogitScale(double scale) {
        if (!Double.isFinite(scale)) {
            throw new IllegalArgumentException("processor at '" + path + "' set a non-finite logit scale " + scale);
        }
        this.logitScale = scale;
    }

    @Override
    public void addKeyValueStream(NDArray k, NDArray v, double weight) {
        checkKeyValue("stream key", k);
        checkKeyValue("stream value", v);
        if (k.getShape().get(1) != v.getShape().get(1)) {
            throw new IllegalArgumentException("processor at '" + path + "' added a stream whose key has "
                    + k.getShape().get(1) + " tokens and value " + v.getShape().get(1));
        }
        streams.add(new KeyValueStream(k, v, weight));
    }

    @Override
    public NDManager manager() { return manager != null ? manager : query.getManager(); }

    @Override
    public NDArray projectQuery(NDArray h) { return projections().projectQuery(h); }

    @Override
    public NDArray projectKey(NDArray c) { return projections().projectKey(c); }

    @Override
    public NDArray projectValue(NDArray c) { return projections().projectValue(c); }

    private AttentionProjections projections() {
        if (projections == null) {
            throw new UnsupportedOperationException("the attention module at '" + path + "' offers no projections");
        }
        return projections;
    }

    public List<KeyValueStream> streams() { return Collections.unmodifiableList(streams); }

    private void checkKeyValue(String what, NDArray a) {
        long[] q = queryShape.getShape();
        if (a == null || a.getShape().dimension() != 3 || a.getShape().get(0) != q[0] || a.getShape().get(2) != q[2]) {
            throw new IllegalArgumentException("processor at '" + path + "' set a " + what + " of shape "
                    + (a == null ? "null" : Arrays.toString(a.getShape().getShape())) + " but it must be ["
                    + q[0] + ", tokens, " + q[2] + "]");
        }
    }

    /** Checks key and value agree and moves every array the processors set into {@code target}. */
    void finish(NDManager target) {
        if (key.getShape().get(1) != value.getShape().get(1)) {
            throw new IllegalArgumentException("at '" + path + "' the key has " + key.getShape().get(1)
                    + " tokens but the value " + value.getShape().get(1));
        }
        query = Hooks.adopt(query, target);
        key = Hooks.adopt(key, target);
        value = Hooks.adopt(value, target);
        for (int i = 0; i < streams.size(); i++) {
            KeyValueStream s = streams.get(i);
            streams.set(i, new KeyValueStream(Hooks.adopt(s.key(), target), Hooks.adopt(s.value(), target),
                    s.weight()));
        }
    }
}
