package atelier.cli.progress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

class ProgressBarTest {

    @Test
    void plainLinesInLogsAtMostOnePerTenthWithEta() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        AtomicLong clock = new AtomicLong();
        ProgressBar bar = new ProgressBar(new PrintStream(bytes, true, StandardCharsets.UTF_8), false, clock::get);
        for (int i = 0; i <= 50; i++) {
            clock.set(i * 1_000_000_000L);
            bar.progress("generation", i, 50);
        }
        bar.finish();
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertFalse(out.contains("\r"));
        String[] lines = out.split("\n");
        assertEquals(11, lines.length, out);
        assertTrue(lines[0].startsWith("generation    0/50"), lines[0]);
        assertTrue(lines[5].contains("25/50") && lines[5].contains("ETA 0:25"), lines[5]);
        assertTrue(lines[10].contains("50/50") && lines[10].contains("done in 0:50"), lines[10]);
    }

    @Test
    void terminalRedrawsInPlaceAndEndsEachPhaseWithANewline() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        AtomicLong clock = new AtomicLong();
        ProgressBar bar = new ProgressBar(new PrintStream(bytes, true, StandardCharsets.UTF_8), true, clock::get);
        for (int i = 0; i <= 4; i++) {
            clock.addAndGet(200_000_000L);
            bar.progress("encode", i, 4);
        }
        clock.addAndGet(200_000_000L);
        bar.progress("decode", 0, 1);
        bar.finish();
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertEquals(6, out.chars().filter(c -> c == '\r').count(), out);
        assertEquals(2, out.chars().filter(c -> c == '\n').count(), out);
        assertTrue(out.contains("4/4") && out.contains("done in 0:01"), out);
    }

    @Test
    void timeFormat() {
        assertEquals("0:05", ProgressBar.time(5));
        assertEquals("2:03", ProgressBar.time(123));
        assertEquals("1:00:01", ProgressBar.time(3601));
    }
}
