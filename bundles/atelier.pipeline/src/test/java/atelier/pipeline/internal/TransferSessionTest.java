package atelier.pipeline.internal;

import static atelier.pipeline.internal.TestStrategies.grey;
import static atelier.pipeline.internal.TestStrategies.reference;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import atelier.api.FloatImage;
import atelier.api.TransferException;
import atelier.api.TransferRequest;
import atelier.api.TransferSession;
import atelier.api.spi.InjectionStrategy;
import atelier.api.spi.ParameterSpec;
import atelier.api.spi.Params;
import atelier.api.spi.RunContext;
import atelier.api.spi.StrategyRun;
import atelier.api.spi.StrategySpec;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Constants;

/** Runs of one session share the run cache; without a session each run has its own, freed with the run. */
class TransferSessionTest {
    @TempDir Path tmp;
    DefaultStyleTransferService service;
    final Counting strategy = new Counting();

    /** Adds the style's mean to the content; the mean is computed through the run cache (counted). */
    static final class Counting implements InjectionStrategy {
        int computed;
        final List<NDArray> cachedArrays = new ArrayList<>();
        final List<NDManager> loaderManagers = new ArrayList<>();

        @Override
        public StrategySpec spec() {
            return new StrategySpec("counting", "Counting", "", "", "",
                    List.of(ParameterSpec.ofFloat("gain", "Gain", 1.0, 0.0, 10.0, "")), true);
        }

        @Override
        public StrategyRun open(RunContext ctx, Params params) {
            return () -> {
                FloatImage style = ctx.style();
                NDArray mean = ctx.cache().get("counting:" + style.fingerprint(), NDArray.class, m -> {
                    computed++;
                    loaderManagers.add(m);
                    NDArray a = m.create(style.data()).mean();
                    cachedArrays.add(a);
                    return a;
                });
                float add = mean.getFloat();
                float[] d = ctx.content().data();
                for (int i = 0; i < d.length; i++) {
                    d[i] += add * params.getFloat("gain");
                }
                return new FloatImage(ctx.content().width(), ctx.content().height(), ctx.content().channels(), d);
            };
        }
    }

    @BeforeEach
    void setUp() {
        service = new DefaultStyleTransferService(new DirectoryModelLocator(tmp.resolve("models")));
        service.bindStrategy(reference(Map.of(Constants.SERVICE_ID, 1L, Constants.SERVICE_RANKING, 0),
                "org.example.counting", "1.0.0"), strategy);
    }

    private TransferRequest request(FloatImage content, FloatImage style) {
        return TransferRequest.builder(content, style, "counting").build();
    }

    @Test
    void runsOfOneSessionComputeTheStyleOnce() throws Exception {
        FloatImage style = grey(4, 4, 0.5f);
        try (TransferSession session = service.openSession()) {
            for (int plane = 0; plane < 3; plane++) {
                FloatImage out = session.transfer(request(grey(5, 3, 0.1f * plane), style), null, null).image();
                assertEquals(0.1f * plane + 0.5f, out.get(0, 1, 1), 1e-6);
            }
            assertEquals(1, strategy.computed, "style computed once for three planes");
            session.transfer(request(grey(5, 3, 0f), grey(4, 4, 0.25f)), null, null);
            assertEquals(2, strategy.computed, "another style is another key");
            assertTrue(strategy.loaderManagers.get(0).isOpen(), "cached values live while the session is open");
        }
        for (NDManager m : strategy.loaderManagers) {
            assertFalse(m.isOpen(), "closing the session frees the cache");
        }
    }

    @Test
    void withoutASessionEachRunHasItsOwnCache() throws Exception {
        FloatImage style = grey(4, 4, 0.5f);
        service.transfer(request(grey(5, 3, 0f), style), null, null);
        service.transfer(request(grey(5, 3, 0f), style), null, null);
        assertEquals(2, strategy.computed);
        assertFalse(strategy.loaderManagers.get(0).isOpen(), "a run's cache is freed with the run");
    }

    @Test
    void aClosedSessionRefusesWork() {
        TransferSession session = service.openSession();
        session.close();
        session.close(); // twice is fine
        assertThrows(IllegalStateException.class,
                () -> session.transfer(request(grey(5, 3, 0f), grey(4, 4, 0.5f)), null, null));
    }

    @Test
    void aFailingLoaderCachesNothing() throws Exception {
        try (NDManager base = NDManager.newBaseManager();
                atelier.pipeline.cache.MemoryRunCache cache = new atelier.pipeline.cache.MemoryRunCache(base)) {
            List<NDManager> seen = new ArrayList<>();
            assertThrows(IllegalStateException.class, () -> cache.get("k", String.class, m -> {
                seen.add(m);
                throw new IllegalStateException("boom");
            }));
            assertFalse(seen.get(0).isOpen(), "the failed loader's manager is closed");
            assertFalse(cache.contains("k"));
            assertEquals("v", cache.get("k", String.class, m -> "v"));
            assertEquals("v", cache.get("k", String.class, m -> "w"));
            assertEquals(1, cache.hits());
            assertThrows(ClassCastException.class, () -> cache.get("k", Integer.class, m -> 1));
        }
    }

    @Test
    void theFingerprintFollowsThePixels() {
        assertEquals(grey(4, 4, 0.5f).fingerprint(), grey(4, 4, 0.5f).fingerprint());
        assertFalse(grey(4, 4, 0.5f).fingerprint().equals(grey(4, 4, 0.25f).fingerprint()));
        assertFalse(grey(4, 4, 0.5f).fingerprint().equals(grey(2, 8, 0.5f).fingerprint()));
    }

    @Test
    void theSpecSaysTheStrategyTilesItself() throws TransferException {
        assertTrue(service.strategy("counting").orElseThrow().spec().tilesItself());
    }
}
