package atelier.strategy.latentstats.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import atelier.api.FloatImage;
import atelier.api.TransferException;
import atelier.api.TransferRequest;
import atelier.api.TransferResult;
import atelier.pipeline.internal.DefaultStyleTransferService;
import atelier.pipeline.internal.DirectoryModelLocator;
import atelier.runtime.io.SafetensorsFile;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The strategy behind the real service, with model names resolved by the service's fallback locator. */
class LatentStatsThroughServiceTest {
    @TempDir Path tmp;

    private DefaultStyleTransferService service(Path models) {
        DefaultStyleTransferService s = new DefaultStyleTransferService(new DirectoryModelLocator(models));
        s.addStrategy(new LatentStatsStrategy(), LatentStatsStrategy.ID, "atelier.strategy.latentstats", "0.1.0",
                1, 0);
        return s;
    }

    @Test
    void modelNamesResolveForEveryLayoutAndTheTraceIsWritten() throws Exception {
        FloatImage content = LatentStatsStrategyTest.crop(TestRunContext.image("coffee.png"), 123, 77);
        FloatImage style = LatentStatsStrategyTest.crop(TestRunContext.image("ihc.png"), 64, 64);
        DefaultStyleTransferService service = service(TestRunContext.models());
        for (String ae : new String[] {"taesd", "taesdxl", "taesd3", "taef1", "taef2"}) {
            TransferResult r = service.transfer(TransferRequest.builder(content, style, "latent-stats")
                    .parameter("autoencoder", ae).parameter("method", "wct").build(), null, null);
            assertEquals(123, r.image().width());
            assertEquals(77, r.image().height());
            assertEquals(ae, r.model());
            assertEquals(ae, r.parameters().get("autoencoder"));
        }
        Path trace = tmp.resolve("trace.safetensors");
        service.transfer(TransferRequest.builder(content, style, "latent-stats").traceFile(trace).build(), null,
                null);
        try (SafetensorsFile f = SafetensorsFile.open(trace)) {
            assertEquals(java.util.Set.of("encode.content", "encode.style", "match.adain", "final"), f.keys());
            assertEquals(32, f.info("final").shape()[1]);
        }
    }

    @Test
    void tinyImagesWorkWithAdainAndAreRefusedClearlyByWct() throws Exception {
        DefaultStyleTransferService service = service(TestRunContext.models());
        FloatImage tiny = LatentStatsStrategyTest.crop(TestRunContext.image("ihc.png"), 5, 3);
        TransferResult r = service.transfer(TransferRequest.builder(tiny, tiny, "latent-stats")
                .parameter("autoencoder", "taesd").build(), null, null);
        assertEquals(5, r.image().width());
        assertEquals(3, r.image().height());
        TransferException e = assertThrows(TransferException.class, () -> service.transfer(
                TransferRequest.builder(tiny, tiny, "latent-stats").parameter("autoencoder", "taesd")
                        .parameter("method", "wct").build(), null, null));
        assertEquals(TransferException.Kind.BAD_INPUT, e.kind());
        assertTrue(e.getMessage().contains("5×3"), e.getMessage());
    }

    @Test
    void aMissingAutoencoderSaysWhereToPutIt() {
        DefaultStyleTransferService service = service(tmp.resolve("empty-models"));
        FloatImage img = LatentStatsStrategyTest.crop(new FloatImage(8, 8, 1, new float[64]), 8, 8);
        TransferException e = assertThrows(TransferException.class, () -> service.transfer(
                TransferRequest.builder(img, img, "latent-stats").build(), null, null));
        assertEquals(TransferException.Kind.MODEL, e.kind());
        assertTrue(e.getMessage().contains("taef2") && e.getMessage().contains("empty-models"), e.getMessage());
    }
}
