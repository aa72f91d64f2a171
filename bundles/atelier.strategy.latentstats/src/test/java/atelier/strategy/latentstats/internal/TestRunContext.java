package atelier.strategy.latentstats.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import atelier.api.CancellationToken;
import atelier.api.FloatImage;
import atelier.api.ProgressListener;
import atelier.api.spi.RunCache;
import atelier.api.spi.RunContext;
import atelier.pipeline.cache.MemoryRunCache;
import atelier.api.spi.TraceSink;
import atelier.runtime.taesd.TaesdFamily;

/** A {@link RunContext} for tests: models from the shared test models, a trace kept in memory. */
class TestRunContext implements RunContext, TraceSink {
    final FloatImage content;
    final FloatImage style;
    final NDManager manager;
    final CancellationToken cancel = new CancellationToken();
    final Map<String, NDArray> traced = new LinkedHashMap<>();
    final java.util.List<String> phases = new java.util.ArrayList<>();
    final NDManager traceManager;
    MemoryRunCache cache;

    TestRunContext(FloatImage content, FloatImage style, NDManager parent) {
        this.content = content;
        this.style = style;
        this.manager = parent.newSubManager();
        this.traceManager = parent.newSubManager();
    }

    static Path shared() {
        return Path.of(System.getProperty("atelier.shared", "../../../shared"));
    }

    static Path models() {
        return shared().resolve("models");
    }

    static FloatImage image(String name) throws IOException {
        return Png.read(shared().resolve("images").resolve(name));
    }

    @Override public FloatImage content() { return content; }
    @Override public FloatImage style() { return style; }
    @Override public long seed() { return 42; }
    @Override public NDManager manager() { return manager; }
    @Override public ProgressListener progress() { return (phase, done, total) -> phases.add(phase + " " + done + "/" + total); }
    @Override public CancellationToken cancellation() { return cancel; }
    @Override public String requestedModel() { return ""; }
    @Override public Optional<TraceSink> trace() { return Optional.of(this); }

    /** A cache for this context only, unless a test set one shared by several contexts. */
    @Override
    public RunCache cache() {
        if (cache == null) {
            cache = new MemoryRunCache(manager);
        }
        return cache;
    }

    @Override
    public Path model(String nameOrPath) throws IOException {
        for (TaesdFamily f : TaesdFamily.values()) {
            if (f.storeName().equals(nameOrPath)) {
                return TaesdFamily.locate(models(), f);
            }
        }
        Path p = Path.of(nameOrPath);
        if (!Files.exists(p)) {
            throw new IOException("no model " + nameOrPath);
        }
        return p;
    }

    @Override
    public void record(String name, NDArray latent) {
        NDArray copy = latent.duplicate();
        copy.attach(traceManager);
        traced.put(name, copy);
    }
}
