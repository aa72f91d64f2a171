package atelier.host.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ModelCommandsTest {
    @TempDir
    Path root;

    private final TinyModel model = new TinyModel();
    private final ByteArrayOutputStream outBuf = new ByteArrayOutputStream();
    private final ByteArrayOutputStream errBuf = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(outBuf, true, StandardCharsets.UTF_8);
    private final PrintStream err = new PrintStream(errBuf, true, StandardCharsets.UTF_8);

    private String out() { return outBuf.toString(StandardCharsets.UTF_8); }

    private String err() { return errBuf.toString(StandardCharsets.UTF_8); }

    @Test
    void pullListVerifyRoundTrip() throws IOException {
        try (FakeHub hub = model.host(new FakeHub(TinyModel.REPO))) {
            ModelCommands cmd = new ModelCommands(model.store(root, hub.base()));
            assertEquals(ModelCommands.OK, cmd.list(out));
            assertTrue(out().lines().anyMatch(l -> l.startsWith("tiny ") && l.contains(" missing ")), out());
            assertEquals(ModelCommands.OK, cmd.verify(null, out), out());
            assertTrue(out().contains("nothing to verify"), out());

            outBuf.reset();
            assertEquals(ModelCommands.OK, cmd.pull("tiny", ProgressSink.printing(out, err, false)), err());
            assertTrue(out().contains(TinyModel.UNET) && out().contains("(100%)"), out());
            assertTrue(out().contains("3 files in place (3 downloaded)"), out());
            assertEquals("", err());

            outBuf.reset();
            assertEquals(ModelCommands.OK, cmd.list(out));
            assertTrue(out().lines().anyMatch(l -> l.startsWith("tiny ") && l.contains(" present ")
                    && l.contains("3.00 MB")), out());
            outBuf.reset();
            assertEquals(ModelCommands.OK, cmd.verify("tiny", true, out), out());
            assertEquals(3, out().lines().filter(l -> l.strip().startsWith("OK ")).count(), out());
            assertTrue(out().contains("all files OK"), out());
        }
    }

    @Test
    void unknownNamesAreBadInput() {
        ModelCommands cmd = new ModelCommands(model.store(root, "http://127.0.0.1:9"));
        assertEquals(ModelCommands.BAD_INPUT, cmd.pull("nope", ProgressSink.printing(out, err, false)));
        assertTrue(err().contains("unknown model 'nope'") && err().contains("tiny"), err());
        assertEquals(ModelCommands.BAD_INPUT, cmd.verify("nope", out));
        assertEquals(ModelCommands.BAD_INPUT, cmd.pull("tiny", "int3", ProgressSink.printing(out, err, false),
                new atelier.api.CancellationToken()));
    }
}
