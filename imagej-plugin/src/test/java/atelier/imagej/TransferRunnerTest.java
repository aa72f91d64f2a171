package atelier.imagej;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import atelier.api.FloatImage;
import atelier.api.StyleTransferService;
import atelier.api.TransferException;
import atelier.api.TransferRequest;
import atelier.api.TransferResult;

class TransferRunnerTest {
    private final FloatImage img = new FloatImage(4, 3, 1, new float[12]);

    @AfterEach
    void reset() {
        FakeStyleTransferService.stepMillis = 0;
    }

    @Test
    void runsOnAWorkerAndReportsProgress() throws Exception {
        List<String> seen = new ArrayList<>();
        List<String> threads = new ArrayList<>();
        TransferResult r = new TransferRunner(new FakeStyleTransferService(), () -> false).run(
                TransferRequest.builder(img, img, "latent-stats").build(), (phase, done, total) -> {
                    seen.add(phase + " " + done + "/" + total);
                    threads.add(Thread.currentThread().getName());
                });
        assertEquals(4, r.image().width());
        assertEquals(10, seen.size());
        assertEquals("generation 10/10", seen.get(9));
        assertTrue(threads.get(0).startsWith("Atelier transfer"), threads.get(0));
    }

    @Test
    void escapeCancelsTheRun() {
        FakeStyleTransferService.stepMillis = 100;
        AtomicBoolean escape = new AtomicBoolean();
        TransferException e = assertThrows(TransferException.class,
                () -> new TransferRunner(new FakeStyleTransferService(), escape::get).run(
                        TransferRequest.builder(img, img, "latent-stats").build(),
                        (phase, done, total) -> escape.set(done >= 2)));
        assertEquals(TransferException.Kind.CANCELLED, e.kind());
    }

    @Test
    void serviceErrorsPassThroughAndOthersAreWrapped() {
        TransferException bad = assertThrows(TransferException.class,
                () -> new TransferRunner(new FakeStyleTransferService(), () -> false).run(
                        TransferRequest.builder(img, img, "latent-stats").parameter("strength", "9").build(),
                        (p, d, t) -> { }));
        assertEquals(TransferException.Kind.BAD_INPUT, bad.kind());

        StyleTransferService broken = new FakeStyleTransferService() {
            @Override
            public TransferResult transfer(TransferRequest request, atelier.api.ProgressListener progress,
                    atelier.api.CancellationToken cancel) {
                throw new IllegalStateException("boom");
            }
        };
        TransferException wrapped = assertThrows(TransferException.class,
                () -> new TransferRunner(broken, () -> false).run(
                        TransferRequest.builder(img, img, "latent-stats").build(), (p, d, t) -> { }));
        assertEquals(TransferException.Kind.INTERNAL, wrapped.kind());
        assertTrue(wrapped.getMessage().contains("boom"), wrapped.getMessage());
    }

    @Test
    void runsInTheSessionItIsGiven() throws Exception {
        FakeStyleTransferService.resetSessions();
        FakeStyleTransferService service = new FakeStyleTransferService();
        try (atelier.api.TransferSession session = service.openSession()) {
            TransferRunner runner = new TransferRunner(session, () -> false);
            runner.run(TransferRequest.builder(img, img, "latent-stats").seed(1).build(), (p, d, t) -> { });
            runner.run(TransferRequest.builder(img, img, "latent-stats").seed(2).build(), (p, d, t) -> { });
        }
        FakeStyleTransferService.Session session = FakeStyleTransferService.SESSIONS.get(0);
        assertEquals(List.of(1L, 2L), session.requests.stream().map(TransferRequest::seed).toList());
        assertEquals(0, FakeStyleTransferService.DIRECT.get(), "nothing ran outside the session");
    }
}
