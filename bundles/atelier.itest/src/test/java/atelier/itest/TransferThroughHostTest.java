package atelier.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.ServiceReference;

import atelier.api.FloatImage;
import atelier.api.StrategyInfo;
import atelier.api.StyleTransferService;
import atelier.api.TransferRequest;
import atelier.api.TransferResult;
import atelier.api.spi.InjectionStrategy;
import atelier.host.AtelierHost;
import atelier.host.HostConfig;
import atelier.host.models.ModelStore;

/**
 * End to end inside a real host: the default features, the model store registered as the ModelLocator, the
 * latent-stats strategy found as a service by its id and run through the StyleTransferService on the test TAESD.
 */
class TransferThroughHostTest {
    @TempDir
    Path home;

    @Test
    void latentStatsRunsThroughTheHostWithTheModelStore() throws Exception {
        Path models = Path.of(System.getProperty("atelier.shared"), "models");
        assertTrue(Files.isDirectory(models.resolve("taesd")), "test models missing: " + models);
        try (AtelierHost host = AtelierHost.start(HostConfig.builder().home(home).featureRepository(Itest.featureRepository())
                .modelLocator(new ModelStore(models)).build())) {
            StyleTransferService service = host.service();

            ServiceReference<?>[] strategies = host.context().getAllServiceReferences(InjectionStrategy.class.getName(), null);
            assertNotNull(strategies, "no InjectionStrategy services");
            boolean found = false;
            for (ServiceReference<?> ref : strategies) {
                Object id = ref.getProperty(InjectionStrategy.ID_PROPERTY);
                assertNotNull(id, "strategy service without " + InjectionStrategy.ID_PROPERTY + " from " + ref.getBundle());
                found |= ref.getBundle().getSymbolicName().equals("atelier.strategy.latentstats");
            }
            assertTrue(found, "latent-stats registered no strategy service");

            StrategyInfo info = service.strategies().stream().filter(s -> s.bundle().equals("atelier.strategy.latentstats"))
                    .findFirst().orElseThrow(() -> new AssertionError("service lists " + service.strategies()));
            TransferResult result = service.transfer(TransferRequest.builder(noise(48, 40, 1), noise(32, 32, 2), info.id())
                    .parameter("autoencoder", "taesd").build(), null, null);
            assertEquals(48, result.image().width());
            assertEquals(40, result.image().height());
            assertEquals(info.id(), result.strategyId());
            assertEquals("atelier.strategy.latentstats", result.bundle());
        }
    }

    private static FloatImage noise(int width, int height, long seed) {
        Random r = new Random(seed);
        float[] data = new float[3 * width * height];
        for (int i = 0; i < data.length; i++) data[i] = r.nextFloat();
        return new FloatImage(width, height, 3, data);
    }
}
