package atelier.imagej;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import atelier.api.CancellationToken;
import atelier.api.FloatImage;
import atelier.api.ProgressListener;
import atelier.api.StrategyInfo;
import atelier.api.StyleTransferService;
import atelier.api.TransferException;
import atelier.api.TransferRequest;
import atelier.api.TransferResult;
import atelier.api.TransferSession;
import atelier.api.spi.ParameterSpec;
import atelier.api.spi.Params;
import atelier.api.spi.Preset;
import atelier.api.spi.UiContribution;
import atelier.api.spi.StrategySpec;

/**
 * A service that behaves like the real one at its edges: it validates parameters against the specs (BAD_INPUT),
 * reports progress, honours cancellation and returns an image of the content's size. Its result is a blend of
 * the content (as RGB) towards the style's mean colour by {@code strength}, so tests can check what reached it.
 * It records the {@link TransferSession}s it opens ({@link #SESSIONS}: the requests each ran, whether it was
 * closed) and the transfers that ran outside any session ({@link #DIRECT}); a session refuses work once closed.
 * {@link #tilingItself} makes chosen strategies declare {@link StrategySpec#tilesItself()}.
 * Public with a no-argument constructor, so {@link AtelierSession#SERVICE_PROPERTY} can name it.
 */
public class FakeStyleTransferService implements StyleTransferService, UiContribution {
    static final StrategySpec LATENT_STATS = new StrategySpec("latent-stats", "Latent statistics", "",
            "Matches per-channel latent statistics of the content to the style.", "",
            List.of(ParameterSpec.ofChoice("autoencoder", "Autoencoder", "taef2",
                            List.of("taesd", "taesdxl", "taesd3", "taef1", "taef2"), "which tiny autoencoder"),
                    ParameterSpec.ofChoice("method", "Method", "adain", List.of("adain", "wct"), "AdaIN or WCT"),
                    ParameterSpec.ofFloat("strength", "Strength", 1.0, 0.0, 1.0, "blend towards the style"),
                    ParameterSpec.ofBoolean("keep_colors", "Keep colours", false, "keep the content's colours")));
    static final StrategySpec ALL_TYPES = new StrategySpec("all-types", "Every parameter type", "A. Author, 2024",
            "Declares one parameter of every type.", "tiny-sd",
            List.of(ParameterSpec.ofFloat("gamma", "Query preservation", 0.75, 0.0, 1.0, "γ"),
                    ParameterSpec.ofInt("steps", "Steps", 50, 1, 1000, "DDIM steps"),
                    ParameterSpec.ofBoolean("adain_init", "AdaIN init", true, "start from AdaIN"),
                    ParameterSpec.ofChoice("layers", "Layers", "decoder", List.of("decoder", "all"), "where"),
                    ParameterSpec.ofString("prompt", "Prompt", "", "text prompt")));

    /** Transfers started since the last reset (tiles count one each). */
    static final java.util.concurrent.atomic.AtomicInteger CALLS = new java.util.concurrent.atomic.AtomicInteger();
    /** Whether the last transfer ended because its token was cancelled. */
    static volatile boolean lastCancelled;

    /** The last request seen by any instance (the headless macro test reads it across class loaders' calls). */
    static volatile TransferRequest lastRequest;
    /** Milliseconds each of the ten "generation" steps sleeps (to test cancellation). */
    static volatile long stepMillis;

    /** Sessions opened since the last {@link #resetSessions()}, in order (any instance). */
    static final List<Session> SESSIONS = Collections.synchronizedList(new ArrayList<>());
    /** Transfers run directly on the service, outside any session, since the last {@link #resetSessions()}. */
    static final java.util.concurrent.atomic.AtomicInteger DIRECT = new java.util.concurrent.atomic.AtomicInteger();

    /** Ids of the strategies this instance declares as tiling images themselves. */
    private volatile Set<String> tilingItself = Set.of();

    /** Forgets the recorded sessions and direct transfers. */
    static void resetSessions() {
        SESSIONS.clear();
        DIRECT.set(0);
    }

    /** Makes the strategies {@code ids} declare {@code tilesItself = true}; returns this. */
    FakeStyleTransferService tilingItself(String... ids) {
        tilingItself = Set.of(ids);
        return this;
    }

    /** A session of this fake: what ran through it and whether it was closed. */
    final class Session implements TransferSession {
        /** The requests run in this session, in order. */
        final List<TransferRequest> requests = Collections.synchronizedList(new ArrayList<>());
        private volatile boolean closed;

        @Override
        public TransferResult transfer(TransferRequest request, ProgressListener progress, CancellationToken cancel)
                throws TransferException {
            if (closed) {
                throw new IllegalStateException("transfer on a closed session");
            }
            requests.add(request);
            return run(request, progress, cancel);
        }

        @Override
        public void close() {
            closed = true;
        }

        boolean closed() {
            return closed;
        }
    }

    @Override
    public List<StrategyInfo> strategies() {
        return List.of(new StrategyInfo(declared(ALL_TYPES), "2.1.0", "org.example.alltypes"),
                new StrategyInfo(declared(LATENT_STATS), "0.1.0", "atelier.strategy.latentstats"));
    }

    private StrategySpec declared(StrategySpec spec) {
        return !tilingItself.contains(spec.id()) ? spec : new StrategySpec(spec.id(), spec.name(), spec.paper(),
                spec.description(), spec.defaultModel(), spec.parameters(), true);
    }

    @Override
    public TransferSession openSession() {
        Session session = new Session();
        SESSIONS.add(session);
        return session;
    }

    @Override
    public Optional<StrategyInfo> strategy(String id) {
        return strategies().stream().filter(s -> s.id().equals(id)).findFirst();
    }

    @Override
    public TransferResult transfer(TransferRequest request, ProgressListener progress, CancellationToken cancel)
            throws TransferException {
        DIRECT.incrementAndGet();
        return run(request, progress, cancel);
    }

    private TransferResult run(TransferRequest request, ProgressListener progress, CancellationToken cancel)
            throws TransferException {
        lastRequest = request;
        CALLS.incrementAndGet();
        lastCancelled = false;
        StrategyInfo info = strategy(request.strategyId()).orElseThrow(() -> new TransferException(
                TransferException.Kind.BAD_INPUT, "unknown strategy " + request.strategyId()));
        Params params;
        try {
            params = info.spec().validate(request.parameters());
        } catch (IllegalArgumentException e) {
            throw new TransferException(TransferException.Kind.BAD_INPUT, e.getMessage(), e);
        }
        for (int i = 0; i < 10; i++) {
            if (cancel.isCancelled()) {
                lastCancelled = true;
            }
            cancel.throwIfCancelled();
            progress.progress("generation", i + 1, 10);
            if (stepMillis > 0) {
                try {
                    Thread.sleep(stepMillis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new TransferException(TransferException.Kind.CANCELLED, "interrupted");
                }
            }
        }
        double strength = info.spec().parameters().stream().anyMatch(p -> p.key().equals("strength"))
                ? params.getDouble("strength") : 0.5;
        FloatImage content = request.content().toRgb();
        FloatImage style = request.style().toRgb();
        int n = content.width() * content.height();
        float[] c = content.data();
        float[] s = style.data();
        int m = style.width() * style.height();
        float[] out = new float[3 * n];
        for (int ch = 0; ch < 3; ch++) {
            double mean = 0;
            for (int i = 0; i < m; i++) {
                mean += s[ch * m + i];
            }
            mean /= m;
            for (int i = 0; i < n; i++) {
                out[ch * n + i] = (float) ((1 - strength) * c[ch * n + i] + strength * mean);
            }
        }
        String model = request.model().orElse(info.spec().defaultModel());
        return new TransferResult(new FloatImage(content.width(), content.height(), 3, out), info.id(),
                info.version(), info.bundle(), params.asText(), request.seed(), model,
                model.isEmpty() ? "" : "ab12cd34", 0.25);
    }

    @Override
    public List<Preset> presets() {
        return List.of(new Preset("Half way", "latent-stats", Map.of("strength", "0.5", "method", "wct"), "test"),
                new Preset("Twenty steps", "all-types", Map.of("steps", "20", "layers", "all"), "test"));
    }

    /** Convenience for tests: the parameters of the last request. */
    static Map<String, String> lastParameters() {
        return lastRequest == null ? Map.of() : lastRequest.parameters();
    }
}
