package atelier.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad input is refused before any work starts: exit code 2 and one line naming the thing. */
class InputErrorsTest {
    @TempDir
    Path dir;

    private CliRun transfer(String content, String style, Path out, String... more) {
        String[] base = { "transfer", "--content", content, "--style", style, "--out", out.toString() };
        String[] args = new String[base.length + more.length];
        System.arraycopy(base, 0, args, 0, base.length);
        System.arraycopy(more, 0, args, base.length, more.length);
        return CliRun.of(args);
    }

    @Test
    void missingContentFileIsBadInput() {
        CliRun r = transfer(dir.resolve("no-such.png").toString(), CliRun.sharedImage("ihc.png").toString(),
                dir.resolve("out.png"));
        assertEquals(2, r.code(), r.toString());
        assertTrue(r.err().contains("content image not found") && r.err().contains("no-such.png"), r.toString());
        assertFalse(r.err().contains("at atelier."), "no stack trace without --debug: " + r);
        assertFalse(Files.exists(dir.resolve("out.png")));
    }

    @Test
    void unreadableStyleImageIsBadInput() throws IOException {
        Path fake = Files.writeString(dir.resolve("style.png"), "this is text, not a PNG");
        CliRun r = transfer(CliRun.sharedImage("astronaut.png").toString(), fake.toString(), dir.resolve("out.png"));
        assertEquals(2, r.code(), r.toString());
        assertTrue(r.err().contains("style image") && r.err().contains("style.png"), r.toString());
    }

    @Test
    void existingOutputIsNotOverwrittenWithoutForce() throws IOException {
        Path out = Files.writeString(dir.resolve("out.png"), "keep me");
        CliRun r = transfer(CliRun.sharedImage("astronaut.png").toString(), CliRun.sharedImage("ihc.png").toString(),
                out);
        assertEquals(2, r.code(), r.toString());
        assertTrue(r.err().contains("--force"), r.toString());
        assertEquals("keep me", Files.readString(out));
    }

    @Test
    void existingTraceFileIsNotOverwrittenWithoutForce() throws IOException {
        Path trace = Files.writeString(dir.resolve("run.safetensors"), "keep me");
        CliRun r = transfer(CliRun.sharedImage("astronaut.png").toString(), CliRun.sharedImage("ihc.png").toString(),
                dir.resolve("out.png"), "--trace", trace.toString());
        assertEquals(2, r.code(), r.toString());
        assertTrue(r.err().contains("trace file exists"), r.toString());
        assertEquals("keep me", Files.readString(trace));
    }

    @Test
    void demoRefusesAnExistingOutputToo() throws IOException {
        Path out = Files.writeString(dir.resolve("demo.png"), "keep me");
        CliRun r = CliRun.of("demo", "--out", out.toString());
        assertEquals(2, r.code(), r.toString());
        assertEquals("keep me", Files.readString(out));
    }

    @Test
    void missingOptionsAndUnknownCommandsAreBadInput() {
        CliRun r = CliRun.of("transfer", "--content", "a.png");
        assertEquals(2, r.code(), r.toString());
        assertTrue(r.err().contains("--style"), r.toString());
        assertEquals(2, CliRun.of("no-such-command").code());
    }

    @Test
    void debugPrintsTheStackTrace() {
        CliRun r = CliRun.of("transfer", "--debug", "--content", dir.resolve("x.png").toString(), "--style", "y.png",
                "--out", dir.resolve("o.png").toString());
        assertEquals(2, r.code(), r.toString());
        assertTrue(r.err().contains("at atelier.cli."), r.toString());
    }
}
