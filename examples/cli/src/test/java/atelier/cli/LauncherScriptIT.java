package atelier.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import atelier.cli.image.ImageFiles;
import atelier.cli.image.Montage;

/**
 * The {@code ./atelier} launcher against the packaged distribution, as a separate process (runs after
 * {@code package}, in the {@code integration-test} phase).
 */
class LauncherScriptIT {
    @TempDir
    Path dir;

    static Path script() {
        return Path.of(System.getProperty("atelier.repo", "../..")).toAbsolutePath().normalize().resolve("atelier");
    }

    /** A running or finished {@code ./atelier} process with its output collected. */
    static final class Run {
        final Process process;
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();

        Run(Path cwd, Map<String, String> env, String... args) throws IOException {
            List<String> cmd = new ArrayList<>(List.of(script().toString()));
            cmd.addAll(List.of(args));
            ProcessBuilder pb = new ProcessBuilder(cmd).directory(cwd.toFile());
            pb.environment().put("ATELIER_MODELS", System.getProperty("atelier.models"));
            pb.environment().put("ATELIER_HOME", cwd.resolve("home").toString());
            pb.environment().putAll(env);
            process = pb.start();
            pump(process.getInputStream(), out);
            pump(process.getErrorStream(), err);
            process.getOutputStream().close();
        }

        private static void pump(InputStream in, ByteArrayOutputStream sink) {
            Thread t = new Thread(() -> {
                byte[] buf = new byte[4096];
                try {
                    for (int n; (n = in.read(buf)) > 0;) {
                        synchronized (sink) {
                            sink.write(buf, 0, n);
                        }
                    }
                } catch (IOException ignored) {
                    // process ended
                }
            });
            t.setDaemon(true);
            t.start();
        }

        String err() {
            synchronized (err) {
                return err.toString(StandardCharsets.UTF_8);
            }
        }

        String out() {
            synchronized (out) {
                return out.toString(StandardCharsets.UTF_8);
            }
        }

        int waitFor() throws InterruptedException {
            if (!process.waitFor(300, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("./atelier did not end in 300 s\n" + this);
            }
            Thread.sleep(100); // let the pumps drain
            return process.exitValue();
        }

        @Override
        public String toString() {
            return "--- stdout\n" + out() + "--- stderr\n" + err();
        }
    }

    @Test
    void transferFromAnotherFolderWithRelativePaths() throws Exception {
        Path content = dir.resolve("content.png");
        ImageFiles.writePng(Montage.fit(ImageFiles.read(CliRun.sharedImage("astronaut.png"), "content"), 64), content,
                false);
        Files.copy(CliRun.sharedImage("ihc.png"), dir.resolve("style.png"));
        Run r = new Run(dir, Map.of(), "transfer", "--content", "content.png", "--style", "style.png", "--out",
                "out.png");
        assertEquals(0, r.waitFor(), r.toString());
        assertEquals(64, ImageFiles.read(dir.resolve("out.png"), "out").width());
        Run again = new Run(dir, Map.of(), "transfer", "--content", "content.png", "--style", "style.png", "--out",
                "out.png");
        assertEquals(2, again.waitFor(), again.toString());
        assertTrue(again.err().contains("--force"), again.toString());
    }

    @Test
    void missingDistributionSaysHowToBuildIt() throws Exception {
        Run r = new Run(dir, Map.of("ATELIER_DIST", dir.resolve("nothing").toString()), "strategies");
        assertEquals(1, r.waitFor(), r.toString());
        assertTrue(r.err().contains("mvn -q package -DskipTests"), r.toString());
    }

    @Test
    void ctrlCCancelsCleanlyAndLeavesNoFile() throws Exception {
        Path content = dir.resolve("big.png");
        ImageFiles.writePng(Montage.fit(ImageFiles.read(CliRun.sharedImage("astronaut.png"), "content"), 1536),
                content, false);
        Run r = new Run(dir, Map.of(), "transfer", "--content", "big.png", "--style", CliRun.sharedImage("ihc.png")
                .toString(), "--set", "method=wct", "--out", "never.png");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!r.err().contains("encode") && r.process.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertTrue(r.process.isAlive(), "the run ended before it could be interrupted\n" + r);
        new ProcessBuilder("kill", "-INT", Long.toString(r.process.pid())).start().waitFor();
        int code = r.waitFor();
        assertEquals(130, code, r.toString());
        assertTrue(r.err().contains("cancelled"), r.toString());
        assertFalse(Files.exists(dir.resolve("never.png")));
        try (var files = Files.list(dir)) {
            assertTrue(files.noneMatch(p -> p.getFileName().toString().endsWith(".tmp")), "no temporary file left");
        }
    }
}
