package atelier.pipeline.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import ai.djl.ndarray.NDManager;
import atelier.api.CancellationToken;
import atelier.api.FloatImage;
import atelier.api.ProgressListener;
import atelier.api.spi.ModelLocator;
import atelier.api.spi.RunCache;
import atelier.api.spi.RunContext;
import atelier.api.spi.TraceSink;

/** The {@link RunContext} of one transfer. Remembers which models the strategy resolved, for the result. */
final class PipelineRunContext implements RunContext {
    private final FloatImage content;
    private final FloatImage style;
    private final long seed;
    private final NDManager manager;
    private final ProgressListener progress;
    private final CancellationToken cancellation;
    private final ModelLocator locator;
    private final String requestedModel;
    private final TraceSink trace;
    private final RunCache cache;
    private final List<Path> resolved = new ArrayList<>();
    private final List<String> resolvedNames = new ArrayList<>();
    private volatile ModelMissingException missing;

    PipelineRunContext(FloatImage content, FloatImage style, long seed, NDManager manager, ProgressListener progress,
            CancellationToken cancellation, ModelLocator locator, String requestedModel, TraceSink trace, RunCache cache) {
        this.content = content;
        this.style = style;
        this.seed = seed;
        this.manager = manager;
        this.progress = progress;
        this.cancellation = cancellation;
        this.locator = locator;
        this.requestedModel = requestedModel;
        this.trace = trace;
        this.cache = cache;
    }

    @Override public FloatImage content() { return content; }
    @Override public FloatImage style() { return style; }
    @Override public long seed() { return seed; }
    @Override public NDManager manager() { return manager; }
    @Override public ProgressListener progress() { return progress; }
    @Override public CancellationToken cancellation() { return cancellation; }
    @Override public String requestedModel() { return requestedModel; }
    @Override public Optional<TraceSink> trace() { return Optional.ofNullable(trace); }
    @Override public RunCache cache() { return cache; }

    @Override
    public synchronized Path model(String nameOrPath) throws IOException {
        Path p;
        try {
            p = locator.locate(nameOrPath);
        } catch (IOException e) {
            ModelMissingException m = new ModelMissingException(e.getMessage(), e);
            missing = m;
            throw m;
        }
        if (!resolved.contains(p)) {
            resolved.add(p);
            resolvedNames.add(nameOrPath);
        }
        return p;
    }

    /** The model that could not be found, if the strategy asked for one that is missing. */
    Optional<ModelMissingException> missingModel() { return Optional.ofNullable(missing); }

    synchronized List<Path> resolvedModels() { return List.copyOf(resolved); }

    synchronized List<String> resolvedNames() { return List.copyOf(resolvedNames); }

    /** Raised by {@link #model}; the service reports it as {@code MODEL}, not as a strategy failure. */
    static final class ModelMissingException extends IOException {
        private static final long serialVersionUID = 1L;

        ModelMissingException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
