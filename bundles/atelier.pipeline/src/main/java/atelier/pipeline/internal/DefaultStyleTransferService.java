package atelier.pipeline.internal;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import ai.djl.ndarray.NDManager;
import atelier.runtime.device.Devices;
import atelier.api.CancellationToken;
import atelier.api.FloatImage;
import atelier.api.ProgressListener;
import atelier.api.StrategyInfo;
import atelier.api.StyleTransferService;
import atelier.api.TransferException;
import atelier.api.TransferException.Kind;
import atelier.api.TransferRequest;
import atelier.api.TransferResult;
import atelier.api.TransferSession;
import atelier.api.spi.RunCache;
import atelier.pipeline.cache.MemoryRunCache;
import atelier.api.spi.InjectionStrategy;
import atelier.api.spi.ModelLocator;
import atelier.api.spi.Params;
import atelier.api.spi.StrategyRun;
import atelier.api.spi.StrategySpec;

import org.osgi.framework.Bundle;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * The {@link StyleTransferService}: tracks every {@link InjectionStrategy} service as bundles come and go,
 * validates requests against the strategy's parameters, and runs the strategy in its own {@link NDManager},
 * which is closed when the run ends, whatever happens. A strategy that throws is reported with its id and
 * bundle; the service itself carries on. Models are resolved through the {@link ModelLocator} service when one
 * is registered, else under {@code $ATELIER_MODELS} (default {@code ~/.atelier/models}).
 */
@Component(service = StyleTransferService.class)
public final class DefaultStyleTransferService implements StyleTransferService {
    private static final System.Logger LOG = System.getLogger(DefaultStyleTransferService.class.getName());

    private final Map<Long, StrategyEntry> entries = new ConcurrentHashMap<>();
    private final AtomicLong syntheticIds = new AtomicLong(Long.MAX_VALUE / 2);
    private final ModelLocator fallbackLocator;
    private volatile ModelLocator modelLocator;

    /** Used by Declarative Services: models fall back to {@code $ATELIER_MODELS} or {@code ~/.atelier/models}. */
    public DefaultStyleTransferService() {
        this(DirectoryModelLocator.fromEnvironment());
    }

    /** With an explicit fallback for model names (tests, embedding without OSGi). */
    public DefaultStyleTransferService(ModelLocator fallbackLocator) {
        this.fallbackLocator = Objects.requireNonNull(fallbackLocator, "fallbackLocator");
    }

    // ---- dynamic references ------------------------------------------------------------------------------

    /** Binds a strategy service; its id, bundle and version come from the service reference. */
    @Reference(service = InjectionStrategy.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, unbind = "unbindStrategy")
    public void bindStrategy(ServiceReference<InjectionStrategy> ref, InjectionStrategy strategy) {
        Bundle b = ref.getBundle();
        String bsn = b != null && b.getSymbolicName() != null ? b.getSymbolicName() : "(unknown bundle)";
        String version = b != null ? b.getVersion().toString() : "0.0.0";
        Object sid = ref.getProperty(Constants.SERVICE_ID);
        Object ranking = ref.getProperty(Constants.SERVICE_RANKING);
        addStrategy(strategy, ref.getProperty(InjectionStrategy.ID_PROPERTY), bsn, version,
                sid instanceof Number n ? n.longValue() : syntheticIds.incrementAndGet(),
                ranking instanceof Integer r ? r : 0);
    }

    /** Removes a strategy service. */
    public void unbindStrategy(ServiceReference<InjectionStrategy> ref) {
        Object sid = ref.getProperty(Constants.SERVICE_ID);
        if (sid instanceof Number n) {
            entries.remove(n.longValue());
        }
    }

    /**
     * Adds a strategy without OSGi (tests, embedding).
     *
     * @param idProperty the {@code atelier.strategy.id} property, or null to use {@code spec().id()}
     * @return the key to pass to {@link #removeStrategy(long)}
     */
    public long addStrategy(InjectionStrategy strategy, Object idProperty, String bundle, String version,
            long serviceId, int ranking) {
        StrategySpec spec;
        try {
            spec = Objects.requireNonNull(strategy.spec(), "spec() returned null");
        } catch (RuntimeException | LinkageError e) {
            LOG.log(System.Logger.Level.ERROR, "ignoring strategy from bundle " + bundle + " " + version
                    + ": spec() failed: " + e, e);
            return serviceId;
        }
        String id = idProperty instanceof String s && !s.isBlank() ? s.trim() : spec.id();
        entries.put(serviceId, new StrategyEntry(strategy, id, spec, bundle, version, serviceId, ranking));
        return serviceId;
    }

    /** Removes what {@link #addStrategy} added. */
    public void removeStrategy(long serviceId) {
        entries.remove(serviceId);
    }

    /** Binds the model store. */
    @Reference(service = ModelLocator.class, cardinality = ReferenceCardinality.OPTIONAL,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY,
            unbind = "unsetModelLocator")
    public void setModelLocator(ModelLocator locator) {
        this.modelLocator = locator;
    }

    public void unsetModelLocator(ModelLocator locator) {
        if (this.modelLocator == locator) {
            this.modelLocator = null;
        }
    }

    private ModelLocator locator() {
        ModelLocator l = modelLocator;
        return l != null ? l : fallbackLocator;
    }

    // ---- listing -------------------------------------------------------------------------------------------

    private Map<String, StrategyEntry> winners() {
        Map<String, StrategyEntry> byId = new TreeMap<>();
        for (StrategyEntry e : entries.values()) {
            byId.merge(e.id(), e, (a, b) -> b.beats(a) ? b : a);
        }
        return byId;
    }

    @Override
    public List<StrategyInfo> strategies() {
        List<StrategyInfo> list = new ArrayList<>();
        winners().values().forEach(e -> list.add(e.info()));
        list.sort(Comparator.comparing(StrategyInfo::id));
        return list;
    }

    @Override
    public Optional<StrategyInfo> strategy(String id) {
        return Optional.ofNullable(winners().get(id)).map(StrategyEntry::info);
    }

    // ---- running -------------------------------------------------------------------------------------------

    @Override
    public TransferResult transfer(TransferRequest request, ProgressListener progress, CancellationToken cancel)
            throws TransferException {
        return transfer(request, progress, cancel, null);
    }

    /**
     * A session whose runs share one {@link MemoryRunCache}; its tensors live in a manager of their own on the
     * preferred device until the session closes.
     */
    @Override
    public TransferSession openSession() {
        ai.djl.Device device = Devices.preferred();
        NDManager sessionManager = NDManager.newBaseManager(device);
        MemoryRunCache cache = new MemoryRunCache(sessionManager);
        return new TransferSession() {
            private boolean closed;

            @Override
            public TransferResult transfer(TransferRequest request, ProgressListener progress,
                    CancellationToken cancel) throws TransferException {
                if (closed) {
                    throw new IllegalStateException("this transfer session is closed");
                }
                return DefaultStyleTransferService.this.transfer(request, progress, cancel, cache);
            }

            @Override
            public void close() {
                if (!closed) {
                    closed = true;
                    cache.close();
                    sessionManager.close();
                }
            }
        };
    }

    /** A transfer with a session's cache, or (null) a cache kept for this run only. */
    private TransferResult transfer(TransferRequest request, ProgressListener progress, CancellationToken cancel,
            RunCache sessionCache) throws TransferException {
        Objects.requireNonNull(request, "request");
        ProgressListener listener = progress != null ? progress : ProgressListener.NONE;
        CancellationToken token = cancel != null ? cancel : new CancellationToken();

        Map<String, StrategyEntry> installed = winners();
        StrategyEntry entry = installed.get(request.strategyId());
        if (entry == null) {
            throw new TransferException(Kind.BAD_INPUT, "unknown strategy '" + request.strategyId()
                    + "'; installed: " + (installed.isEmpty() ? "none" : String.join(", ", installed.keySet())));
        }
        Params params;
        try {
            params = entry.spec().validate(request.parameters());
        } catch (IllegalArgumentException e) {
            throw new TransferException(Kind.BAD_INPUT, "strategy '" + entry.id() + "': " + e.getMessage(), e);
        }
        TraceRecorder trace = null;
        if (request.traceFile().isPresent()) {
            trace = new TraceRecorder(request.traceFile().get());
            try {
                trace.checkWritable();
            } catch (IOException e) {
                throw new TransferException(Kind.BAD_INPUT, "cannot write the trace " + trace.target() + ": "
                        + reason(e), e);
            }
        }
        token.throwIfCancelled();

        long t0 = System.nanoTime();
        String requestedModel = request.model().orElse(entry.spec().defaultModel());
        FloatImage image;
        PipelineRunContext ctx;
        ai.djl.Device device;
        try {
            device = Devices.preferred();
        } catch (IllegalArgumentException e) {
            throw new TransferException(Kind.BAD_INPUT, e.getMessage(), e);
        }
        try (NDManager run = NDManager.newBaseManager(device);
                MemoryRunCache runCache = sessionCache == null ? new MemoryRunCache(run) : null) {
            ctx = new PipelineRunContext(request.content(), request.style(), request.seed(), run, listener, token,
                    locator(), requestedModel, trace, sessionCache != null ? sessionCache : runCache);
            image = execute(entry, ctx, params);
        }
        FloatImage content = request.content();
        if (image == null) {
            throw new TransferException(Kind.STRATEGY_FAILED, "strategy " + entry.describe()
                    + " failed: it returned no image");
        }
        if (image.width() != content.width() || image.height() != content.height()) {
            throw new TransferException(Kind.STRATEGY_FAILED, "strategy " + entry.describe() + " failed: it returned a "
                    + image.width() + "×" + image.height() + " image, expected the content's size "
                    + content.width() + "×" + content.height());
        }
        if (trace != null) {
            writeTrace(trace, entry, params, request);
        }
        List<Path> models = ctx.resolvedModels();
        String model = String.join(", ", ctx.resolvedNames());
        String sha = models.isEmpty() ? "" : locator().sha256(models.get(0));
        double seconds = (System.nanoTime() - t0) / 1e9;
        return new TransferResult(image, entry.id(), entry.version(), entry.bundle(), params.asText(),
                request.seed(), model, sha == null ? "" : sha, seconds);
    }

    /** open → execute → close (always), translating whatever goes wrong. */
    private static FloatImage execute(StrategyEntry entry, PipelineRunContext ctx, Params params)
            throws TransferException {
        StrategyRun run = null;
        FloatImage image = null;
        Throwable failure = null;
        try {
            run = entry.strategy().open(ctx, params);
            if (run == null) {
                throw new IllegalStateException("open() returned null");
            }
            ctx.cancellation().throwIfCancelled();
            image = run.execute();
        } catch (Throwable t) {
            failure = t;
        } finally {
            if (run != null) {
                try {
                    run.close();
                } catch (Throwable t) {
                    if (failure == null) {
                        failure = t;
                    } else {
                        failure.addSuppressed(t);
                    }
                }
            }
        }
        if (failure != null) {
            throw translate(entry, ctx, failure);
        }
        ctx.cancellation().throwIfCancelled();
        return image;
    }

    static TransferException translate(StrategyEntry entry, PipelineRunContext ctx, Throwable t) {
        if (t instanceof VirtualMachineError vme && !(vme instanceof OutOfMemoryError)
                && !(vme instanceof StackOverflowError)) {
            throw vme;
        }
        if (ctx.cancellation().isCancelled()
                || (t instanceof TransferException te && te.kind() == Kind.CANCELLED)) {
            return new TransferException(Kind.CANCELLED, "cancelled", t);
        }
        Optional<PipelineRunContext.ModelMissingException> missing = ctx.missingModel();
        if (missing.isPresent() && causedBy(t, missing.get())) {
            return new TransferException(Kind.MODEL, "strategy '" + entry.id() + "' cannot use its model: "
                    + missing.get().getMessage(), t);
        }
        if (t instanceof TransferException te && (te.kind() == Kind.BAD_INPUT || te.kind() == Kind.MODEL)) {
            return new TransferException(te.kind(), "strategy '" + entry.id() + "': " + te.getMessage(), t);
        }
        Throwable damaged = damagedModel(t);
        if (damaged != null) {
            String model = ctx.requestedModel() == null || ctx.requestedModel().isBlank() ? ""
                    : " (" + ctx.requestedModel() + ")";
            return new TransferException(Kind.MODEL, "strategy '" + entry.id() + "' could not load its model" + model
                    + ": " + damaged.getMessage()
                    + " — check it with `atelier models verify` or fetch it again", t);
        }
        return new TransferException(Kind.STRATEGY_FAILED, "strategy " + entry.describe() + " failed: "
                + reason(t), t);
    }

    /**
     * The cause that says a model's files are damaged, incomplete or of the wrong shape (a malformed safetensors
     * file, a missing or misshapen tensor, a missing file), or null.
     */
    static Throwable damagedModel(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof atelier.runtime.io.SafetensorsFormatException
                    || c instanceof atelier.runtime.nn.Weights.WeightsException
                    || c instanceof java.nio.file.NoSuchFileException) {
                return c;
            }
            if (c.getCause() == c) {
                break;
            }
        }
        return null;
    }

    private static boolean causedBy(Throwable t, Throwable target) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c == target) {
                return true;
            }
            if (c.getCause() == c) {
                break;
            }
        }
        return false;
    }

    private static String reason(Throwable t) {
        String m = t.getMessage();
        return t.getClass().getSimpleName() + (m == null || m.isBlank() ? "" : ": " + m);
    }

    private static void writeTrace(TraceRecorder trace, StrategyEntry entry, Params params, TransferRequest request)
            throws TransferException {
        trace.metadata("format", "atelier-trace");
        trace.metadata("strategy", entry.id());
        trace.metadata("bundle", entry.bundle() + " " + entry.version());
        trace.metadata("seed", Long.toString(request.seed()));
        trace.metadata("parameters", params.asText().toString());
        try {
            trace.write();
        } catch (FileAlreadyExistsException e) {
            throw new TransferException(Kind.BAD_INPUT, "trace file " + trace.target()
                    + " already exists; it was not overwritten (delete it or choose another name)", e);
        } catch (IOException e) {
            throw new TransferException(Kind.INTERNAL, "could not write the trace " + trace.target() + ": "
                    + reason(e), e);
        }
    }
}
