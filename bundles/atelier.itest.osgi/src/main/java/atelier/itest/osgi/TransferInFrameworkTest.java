package atelier.itest.osgi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.osgi.test.common.annotation.InjectService;

import atelier.api.FloatImage;
import atelier.api.StyleTransferService;
import atelier.api.TransferRequest;
import atelier.api.TransferResult;
import atelier.api.spi.ModelLocator;

/** A latent-stats transfer on a small image through the service, with the host's model store (the test TAESD). */
class TransferInFrameworkTest {
    @InjectService(timeout = 30_000)
    StyleTransferService service;

    @InjectService(timeout = 30_000)
    ModelLocator models;

    @Test
    void latentStatsTransfersASmallImage() throws Exception {
        Path taesd = models.locate("taesd");
        assertTrue(Files.exists(taesd), "model store gave " + taesd);

        FloatImage content = noise(48, 40, 1);
        TransferResult result = service.transfer(TransferRequest.builder(content, noise(32, 32, 2), "latent-stats")
                .parameter("autoencoder", "taesd").build(), null, null);

        assertEquals(48, result.image().width());
        assertEquals(40, result.image().height());
        assertEquals(3, result.image().channels());
        assertEquals("latent-stats", result.strategyId());
        assertEquals("atelier.strategy.latentstats", result.bundle());
        float[] out = result.image().data();
        for (float v : out) assertTrue(v >= 0f && v <= 1f, "pixel outside [0,1]: " + v);
        assertTrue(!java.util.Arrays.equals(out, content.data()), "the transfer returned the content unchanged");
    }

    private static FloatImage noise(int width, int height, long seed) {
        Random r = new Random(seed);
        float[] data = new float[3 * width * height];
        for (int i = 0; i < data.length; i++) data[i] = r.nextFloat();
        return new FloatImage(width, height, 3, data);
    }
}
