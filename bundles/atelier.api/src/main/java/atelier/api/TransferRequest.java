package atelier.api;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What to stylise and how. Parameter values are strings keyed by {@code ParameterSpec} keys, exactly as
 * they arrive from a dialog, a macro or a command line; the service validates them against the strategy.
 */
public final class TransferRequest {
    private final FloatImage content;
    private final FloatImage style;
    private final String strategyId;
    private final Map<String, String> parameters;
    private final String model;
    private final long seed;
    private final Path traceFile;

    private TransferRequest(Builder b) {
        this.content = Objects.requireNonNull(b.content, "content image");
        this.style = Objects.requireNonNull(b.style, "style image");
        this.strategyId = Objects.requireNonNull(b.strategyId, "strategy id");
        this.parameters = Map.copyOf(b.parameters);
        this.model = b.model;
        this.seed = b.seed;
        this.traceFile = b.traceFile;
    }

    public FloatImage content() { return content; }
    public FloatImage style() { return style; }
    public String strategyId() { return strategyId; }
    /** Raw parameter values by key; keys not given take the strategy's defaults. */
    public Map<String, String> parameters() { return parameters; }
    /** A model name from the model store or a path; empty = the strategy's default. */
    public Optional<String> model() { return Optional.ofNullable(model); }
    public long seed() { return seed; }
    /** Where to write every latent of the run (safetensors), if wanted. */
    public Optional<Path> traceFile() { return Optional.ofNullable(traceFile); }

    public static Builder builder(FloatImage content, FloatImage style, String strategyId) {
        Builder b = new Builder();
        b.content = content;
        b.style = style;
        b.strategyId = strategyId;
        return b;
    }

    /** Builds a {@link TransferRequest}. */
    public static final class Builder {
        private FloatImage content;
        private FloatImage style;
        private String strategyId;
        private final Map<String, String> parameters = new LinkedHashMap<>();
        private String model;
        private long seed = 42;
        private Path traceFile;

        public Builder parameter(String key, String value) {
            parameters.put(Objects.requireNonNull(key), Objects.requireNonNull(value));
            return this;
        }

        public Builder parameters(Map<String, String> values) {
            values.forEach(this::parameter);
            return this;
        }

        public Builder model(String nameOrPath) { this.model = nameOrPath; return this; }
        public Builder seed(long seed) { this.seed = seed; return this; }
        public Builder traceFile(Path file) { this.traceFile = file; return this; }
        public TransferRequest build() { return new TransferRequest(this); }
    }
}
