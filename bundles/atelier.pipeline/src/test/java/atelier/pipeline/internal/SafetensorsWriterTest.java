package atelier.pipeline.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import ai.djl.ndarray.NDManager;
import atelier.runtime.io.SafetensorsFile;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsWriterTest {
    @TempDir Path tmp;

    @Test
    void writesASpecConformantFileThatReadsBack() throws Exception {
        SafetensorsWriter w = new SafetensorsWriter()
                .addFloat("b.first", new long[] {2, 3}, new float[] {1, 2, 3, 4, 5, -6.5f})
                .addLong("a \"quoted\"", new long[] {2}, new long[] {Long.MAX_VALUE, -1})
                .addFloat("scalar", new long[] {}, new float[] {7})
                .metadata("note", "x");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        w.writeTo(bytes);
        byte[] all = bytes.toByteArray();
        long n = ByteBuffer.wrap(all, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(0, n % 8, "header length is a multiple of 8");
        String header = new String(all, 8, (int) n, StandardCharsets.UTF_8);
        assertTrue(header.startsWith("{") && header.stripTrailing().endsWith("}"), header);
        assertEquals(8 + n + 6 * 4 + 2 * 8 + 4, all.length);
        assertTrue(header.indexOf("b.first") < header.indexOf("quoted"), "insertion order kept");

        Path file = tmp.resolve("t.safetensors");
        try (OutputStream out = Files.newOutputStream(file)) {
            w.writeTo(out);
        }
        try (SafetensorsFile f = SafetensorsFile.open(file); NDManager m = NDManager.newBaseManager()) {
            assertArrayEquals(new float[] {1, 2, 3, 4, 5, -6.5f}, f.load("b.first", m).toFloatArray());
            assertArrayEquals(new long[] {2, 3}, f.load("b.first", m).getShape().getShape());
            assertArrayEquals(new long[] {Long.MAX_VALUE, -1}, f.load("a \"quoted\"", m).toLongArray());
            assertEquals(7f, f.load("scalar", m).getFloat());
            assertEquals("x", f.metadata().get("note"));
        }
    }

    @Test
    void refusesDuplicatesAndShapeMismatches() {
        SafetensorsWriter w = new SafetensorsWriter().addFloat("x", new long[] {1}, new float[] {1});
        assertThrows(IllegalArgumentException.class, () -> w.addFloat("x", new long[] {1}, new float[] {1}));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> w.addFloat("y", new long[] {2, 2}, new float[] {1}));
        assertTrue(e.getMessage().contains("'y'"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> w.addFloat("__metadata__", new long[] {1},
                new float[] {1}));
    }
}
