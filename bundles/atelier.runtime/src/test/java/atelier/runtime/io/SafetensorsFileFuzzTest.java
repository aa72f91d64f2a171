package atelier.runtime.io;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import ai.djl.ndarray.NDManager;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Property: whatever bytes of a valid file's length field and header are changed, the reader either opens the
 * file (and then loads every tensor or refuses it with a format error) or throws SafetensorsFormatException —
 * never another exception type, never a crash.
 */
class SafetensorsFileFuzzTest {
    @TempDir
    Path dir;

    @Test
    void mutatedHeadersOpenOrFailCleanly() throws Exception {
        String h = "{\"__metadata__\":{\"format\":\"pt\"}," + RawFile.entry("w", "F32", "[2,2]", 0, 16) + ","
                + RawFile.entry("h", "F16", "[2]", 16, 20) + "," + RawFile.entry("b", "BF16", "[]", 20, 22) + ","
                + RawFile.entry("i", "I64", "[1]", 24, 32) + "}  ";
        byte[] valid = RawFile.bytes(h, new byte[32]);
        int headerEnd = 8 + h.length();
        Random rnd = new Random(20261123L);
        byte[] alphabet = "{}[]\",:-.0123456789eE FIBUa_\\".getBytes();
        Path p = dir.resolve("fuzz.safetensors");
        int opened = 0;
        int refused = 0;
        try (NDManager m = NDManager.newBaseManager()) {
            for (int iter = 0; iter < 4000; iter++) {
                byte[] b = valid.clone();
                int edits = 1 + rnd.nextInt(4);
                for (int e = 0; e < edits; e++) {
                    int pos = rnd.nextInt(10) == 0 ? rnd.nextInt(8) : rnd.nextInt(headerEnd);
                    b[pos] = rnd.nextBoolean() ? (byte) rnd.nextInt(256) : alphabet[rnd.nextInt(alphabet.length)];
                }
                if (rnd.nextInt(20) == 0) {
                    b = java.util.Arrays.copyOf(b, rnd.nextInt(b.length));
                }
                Files.write(p, b);
                SafetensorsFile f;
                try {
                    f = SafetensorsFile.open(p);
                } catch (SafetensorsFormatException e) {
                    assertTrue(e.getMessage().contains("fuzz.safetensors"), e.getMessage());
                    refused++;
                    continue;
                } catch (Throwable t) {
                    fail("iteration " + iter + ": " + t, t);
                    return;
                }
                opened++;
                try (f; NDManager step = m.newSubManager()) {
                    for (String k : f.keys()) {
                        try {
                            f.load(k, step);
                        } catch (UncheckedIOException e) {
                            assertTrue(e.getCause() instanceof SafetensorsFormatException, e.toString());
                        }
                    }
                }
            }
        }
        assertTrue(opened > 0 && refused > 0, "opened " + opened + ", refused " + refused);
    }
}
