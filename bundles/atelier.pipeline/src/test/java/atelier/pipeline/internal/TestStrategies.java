package atelier.pipeline.internal;

import java.lang.reflect.Proxy;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import atelier.api.FloatImage;
import atelier.api.spi.InjectionStrategy;
import atelier.api.spi.ParameterSpec;
import atelier.api.spi.Params;
import atelier.api.spi.RunContext;
import atelier.api.spi.StrategyRun;
import atelier.api.spi.StrategySpec;

import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.Version;

/** Strategies and fake service references for the service tests. */
final class TestStrategies {
    private TestStrategies() { }

    static FloatImage grey(int w, int h, float v) {
        float[] d = new float[w * h];
        java.util.Arrays.fill(d, v);
        return new FloatImage(w, h, 1, d);
    }

    /** A service reference with the given properties from a bundle with the given name and version. */
    @SuppressWarnings("unchecked")
    static ServiceReference<InjectionStrategy> reference(Map<String, Object> properties, String bsn, String version) {
        Bundle bundle = (Bundle) Proxy.newProxyInstance(TestStrategies.class.getClassLoader(),
                new Class<?>[] {Bundle.class}, (p, m, a) -> switch (m.getName()) {
                    case "getSymbolicName" -> bsn;
                    case "getVersion" -> Version.parseVersion(version);
                    case "hashCode" -> System.identityHashCode(p);
                    case "equals" -> p == a[0];
                    case "toString" -> bsn;
                    default -> throw new UnsupportedOperationException(m.getName());
                });
        Hashtable<String, Object> props = new Hashtable<>(properties);
        return (ServiceReference<InjectionStrategy>) Proxy.newProxyInstance(TestStrategies.class.getClassLoader(),
                new Class<?>[] {ServiceReference.class}, (p, m, a) -> switch (m.getName()) {
                    case "getBundle" -> bundle;
                    case "getProperty" -> props.get((String) a[0]);
                    case "getPropertyKeys" -> props.keySet().toArray(new String[0]);
                    case "hashCode" -> System.identityHashCode(p);
                    case "equals" -> p == a[0];
                    case "toString" -> "ref" + props;
                    default -> throw new UnsupportedOperationException(m.getName());
                });
    }

    /** Multiplies the content by {@code gain}; records two latents when a trace is wanted. */
    static final class Gain implements InjectionStrategy {
        final AtomicReference<NDManager> lastManager = new AtomicReference<>();
        volatile boolean closed;

        @Override
        public StrategySpec spec() {
            return new StrategySpec("gain", "Gain", "", "multiplies the content", "",
                    List.of(ParameterSpec.ofFloat("gain", "Gain", 1.0, 0.0, 2.0, "factor; default 1"),
                            ParameterSpec.ofBoolean("invert", "Invert", false, "invert first; default false")));
        }

        @Override
        public StrategyRun open(RunContext ctx, Params params) {
            lastManager.set(ctx.manager());
            closed = false;
            return new StrategyRun() {
                @Override
                public FloatImage execute() {
                    float[] d = ctx.content().data();
                    float g = params.getFloat("gain");
                    for (int i = 0; i < d.length; i++) {
                        d[i] = (params.getBoolean("invert") ? 1 - d[i] : d[i]) * g;
                    }
                    ctx.trace().ifPresent(t -> {
                        try (NDManager step = ctx.manager().newSubManager()) {
                            NDArray z = step.arange(24f).reshape(1, 2, 3, 4);
                            t.record("encode.content", z);
                            t.record("generation.t0801", z.mul(2));
                            t.record("step", step.create(new long[] {801, 781}));
                            t.record("final", z.neg());
                        }
                    });
                    return new FloatImage(ctx.content().width(), ctx.content().height(), ctx.content().channels(),
                            d);
                }

                @Override
                public void close() { closed = true; }
            };
        }
    }

    /** Throws from execute (after allocating in the run manager) or from open. */
    static final class Boom implements InjectionStrategy {
        final AtomicReference<NDManager> lastManager = new AtomicReference<>();
        final AtomicReference<NDArray> allocated = new AtomicReference<>();
        volatile boolean closed;
        final boolean inOpen;

        Boom(boolean inOpen) { this.inOpen = inOpen; }

        @Override
        public StrategySpec spec() {
            return new StrategySpec("boom", "Boom", "", "always fails", "", List.of());
        }

        @Override
        public StrategyRun open(RunContext ctx, Params params) {
            lastManager.set(ctx.manager());
            allocated.set(ctx.manager().zeros(new ai.djl.ndarray.types.Shape(4, 4)));
            if (inOpen) {
                throw new IllegalArgumentException("bad weights");
            }
            return new StrategyRun() {
                @Override
                public FloatImage execute() { throw new IllegalStateException("kaput"); }

                @Override
                public void close() { closed = true; }
            };
        }
    }
}
