package atelier.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code verify} and {@code bench}: argument handling before the runtime is called. */
class RuntimeToolsTest {
    @TempDir
    Path dir;

    @Test
    void verifyNeedsExistingFolders() {
        CliRun r = CliRun.of("verify", "--model", dir.resolve("none").toString(), "--golden", dir.toString());
        assertEquals(2, r.code(), r.toString());
        assertTrue(r.err().contains("model folder not found"), r.toString());
    }

    @Test
    void threadsAreTakenFromBenchArguments() {
        String before = System.getProperty(EngineThreads.PROPERTY);
        try {
            EngineThreads.fromArgs(java.util.List.of("unet", "--threads=3", "--steps", "2"));
            assertEquals("3", System.getProperty(EngineThreads.PROPERTY));
            EngineThreads.fromArgs(java.util.List.of("vae", "--threads", "1"));
            assertEquals("1", System.getProperty(EngineThreads.PROPERTY));
            assertEquals(2, CliRun.of("bench", "unet", "--threads", "zero").code());
        } finally {
            if (before == null) {
                System.clearProperty(EngineThreads.PROPERTY);
            } else {
                System.setProperty(EngineThreads.PROPERTY, before);
            }
        }
    }

    @Test
    void verifyRunsTheReferenceCasesOfTheTinyAutoencoder() {
        Path shared = CliRun.shared();
        CliRun r = CliRun.of("verify", "--model", shared.resolve("models/taesd-random-sd").toString(), "--golden",
                shared.resolve("oracle/golden/taesd").toString());
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("PASS") && r.out().contains(" 0 failed"), r.toString());
    }

    @Test
    void benchPassesItsArgumentsThrough() {
        CliRun r = CliRun.of("bench", "no-such-network", "--preset", "sd15");
        assertEquals(2, r.code(), r.toString());
        assertTrue(r.out().contains("unet or vae") || r.err().contains("unet or vae"), r.toString());
    }
}
