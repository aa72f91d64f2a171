package atelier.runtime.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every reference case of both manifests passes. */
class VerifyGoldenTest {
    static Path shared() {
        return Path.of(System.getProperty("atelier.shared", "../../../shared"));
    }

    static List<String> run(Path model, Path golden, int[] status) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (PrintStream ps = new PrintStream(buf, true, StandardCharsets.UTF_8)) {
            status[0] = Verify.run(model, golden, ps);
        }
        String text = buf.toString(StandardCharsets.UTF_8);
        System.out.print(text);
        return text.lines().toList();
    }

    @Test
    void tinySdCasesAllPass() {
        int[] status = new int[1];
        List<String> lines = run(shared().resolve("models/tiny-sd"), shared().resolve("oracle/golden/tiny-sd"),
                status);
        assertEquals("17 passed, 0 failed", lines.get(lines.size() - 1));
        assertEquals(0, status[0]);
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("PASS g_kv_injection max_abs=")));
        assertFalse(lines.stream().anyMatch(l -> l.startsWith("FAIL")));
    }

    @Test
    void taesdCasesAllPass() {
        int[] status = new int[1];
        List<String> lines = run(shared().resolve("models"), shared().resolve("oracle/golden/taesd"), status);
        assertEquals("4 passed, 0 failed", lines.get(lines.size() - 1));
        assertEquals(0, status[0]);
    }

    @Test
    void aWrongModelFailsWithANumberOrAnError(@TempDir Path tmp) throws Exception {
        Path golden = Files.createDirectories(tmp.resolve("golden"));
        String manifest = Files.readString(shared().resolve("oracle/golden/tiny-sd/golden.json"));
        Path tensors = shared().resolve("oracle/golden/tiny-sd/golden.safetensors").toAbsolutePath();
        // same cases, tensor file referenced from its real place, one UNet output tolerance made impossible
        manifest = manifest.replace("\"file\": \"golden.safetensors\"", "\"file\": \"" + tensors + "\"")
                .replace("\"recommended_atol\": 2.310294268226265e-05", "\"recommended_atol\": 0.0");
        Files.writeString(golden.resolve("golden.json"), manifest);
        int[] status = new int[1];
        List<String> lines = run(shared().resolve("models/tiny-sd"), golden, status);
        assertEquals(1, status[0]);
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("FAIL c_unet_b1_32x32_t1 max_abs=")), lines.toString());
        assertTrue(lines.get(lines.size() - 1).matches("\\d+ passed, [1-9]\\d* failed"));

        int[] s2 = new int[1];
        List<String> none = run(tmp.resolve("no-model"), shared().resolve("oracle/golden/tiny-sd"), s2);
        assertEquals(1, s2[0]);
        assertTrue(none.stream().anyMatch(l -> l.startsWith("FAIL c_unet_b1_32x32_t1 error=")), none.toString());
        assertTrue(none.stream().anyMatch(l -> l.startsWith("PASS e_ddim_tables")), "scheduler cases need no model");
    }
}
