package atelier.runtime.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class BenchTest {
    @Test
    void parsesTheCommandLine() {
        Bench.Args a = Bench.parse(new String[] {"bench", "unet", "--preset", "sd15", "--batch", "2", "--latent", "64",
            "--threads", "2", "--runs", "3", "--warmup", "0"});
        assertEquals("unet-sd15-b2-64x64-fp32", a.caseName());
        assertEquals(3, a.runs());
        Bench.Args b = Bench.parse(new String[] {"vae", "--latent", "32x48", "--threads", "1"});
        assertEquals("vae-sd15-b1-32x48-fp32", b.caseName());
        assertThrows(IllegalArgumentException.class, () -> Bench.parse(new String[] {"unet", "--latent", "64"}));
        assertThrows(IllegalArgumentException.class, () -> Bench.parse(new String[] {"clip", "--threads", "1"}));
        assertThrows(IllegalArgumentException.class,
                () -> Bench.parse(new String[] {"unet", "--threads", "1", "--latent", "60"}));
    }

    @Test
    void reducedPrecisionIsRefusedWithAPointer() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int status = Bench.run(new String[] {"unet", "--dtype", "bf16", "--threads", "1"},
                new PrintStream(buf, true, StandardCharsets.UTF_8));
        String text = buf.toString(StandardCharsets.UTF_8);
        assertEquals(2, status);
        assertTrue(text.contains("not supported") && text.contains("docs/adr/"), text);
    }

    @Test
    void vaeDecodeFlopsMatchTheHandCount() {
        double f = Flops.vaeDecode(64, 64, new int[] {128, 256, 512, 512}, 2, 4, 3);
        assertEquals(2514.5e9, f, 0.1e9);
        assertEquals(803e9 * 2, Flops.unetSd15(2, 64, 64), 1);
        assertEquals(803e9 / 4, Flops.unetSd15(1, 32, 32), 1);
        assertEquals(Bench.median(new double[] {3, 1, 2}), 2.0);
    }
}
