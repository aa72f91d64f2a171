package atelier.runtime.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import ai.djl.ndarray.NDManager;
import atelier.runtime.io.SafetensorsFile;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OpenBenchTest {
    @TempDir
    Path dir;

    private static String run(int expected, String... args) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        assertEquals(expected, Bench.run(args, new PrintStream(bytes, true, StandardCharsets.UTF_8)));
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void usageErrors() {
        assertTrue(run(2, "bench", "open", "--preset", "sd14").contains("--preset sd14 is not known"));
        assertTrue(run(2, "open", "--dtype", "fp8").contains("--dtype fp8"));
        assertTrue(run(2, "open", "--bogus", "1").contains("unknown option --bogus"));
    }

    @Test
    void writtenCheckpointIsValidAndFinite() throws Exception {
        Map<String, long[]> shapes = new LinkedHashMap<>();
        shapes.put("a.weight", new long[] {3, 5});
        shapes.put("a.bias", new long[] {3});
        for (String dtype : new String[] {"F16", "BF16", "F32"}) {
            Path p = dir.resolve(dtype + ".safetensors");
            assertEquals(18, OpenBench.write(p, shapes, dtype));
            try (SafetensorsFile f = SafetensorsFile.open(p); NDManager m = NDManager.newBaseManager()) {
                assertEquals(dtype, f.info("a.weight").dtype());
                assertArrayEquals(new long[] {3, 5}, f.load("a.weight", m).getShape().getShape());
                float[] v = f.load("a.bias", m).toFloatArray();
                for (float x : v) {
                    assertTrue(Float.isFinite(x) && Math.abs(x) < 2, dtype + " " + x);
                }
            }
        }
    }
}
