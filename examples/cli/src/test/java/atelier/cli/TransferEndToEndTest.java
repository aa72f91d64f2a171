package atelier.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import atelier.api.FloatImage;
import atelier.cli.image.ImageFiles;
import atelier.cli.image.Montage;

/**
 * The command line against the real plugin host, features and models: in this JVM, through
 * {@code CommandLine.execute}. Needs the distribution's features ({@code atelier.features}, prepared by the build
 * before the tests) and the TAESD models ({@code ATELIER_MODELS}, else {@code ${atelier.shared}/models}).
 */
class TransferEndToEndTest {
    @TempDir
    static Path dir;

    static Path smallContent;
    static Path smallStyle;

    @BeforeAll
    static void smallImages() {
        smallContent = dir.resolve("content-96.png");
        smallStyle = dir.resolve("style-96.png");
        ImageFiles.writePng(Montage.fit(ImageFiles.read(CliRun.sharedImage("astronaut.png"), "content"), 96),
                smallContent, false);
        ImageFiles.writePng(Montage.fit(ImageFiles.read(CliRun.sharedImage("ihc.png"), "style"), 96),
                smallStyle, false);
    }

    private static CliRun transfer(Path content, Path style, Path out, String... more) {
        String[] base = { "transfer", "--content", content.toString(), "--style", style.toString(), "--out",
            out.toString() };
        String[] args = new String[base.length + more.length];
        System.arraycopy(base, 0, args, 0, base.length);
        System.arraycopy(more, 0, args, base.length, more.length);
        return CliRun.of(args);
    }

    @Test
    void astronautWithIhcGivesAPngOfTheContentSize() {
        Path out = dir.resolve("astronaut-ihc.png");
        CliRun r = transfer(CliRun.sharedImage("astronaut.png"), CliRun.sharedImage("ihc.png"), out);
        assertEquals(0, r.code(), r.toString());
        FloatImage result = ImageFiles.read(out, "result");
        assertEquals(512, result.width());
        assertEquals(512, result.height());
        assertEquals(3, result.channels());
        FloatImage content = ImageFiles.read(CliRun.sharedImage("astronaut.png"), "content");
        assertFalse(result.equals(content), "the result differs from the content");
        assertTrue(r.out().contains("latent-stats"), r.toString());
        assertTrue(r.err().contains("/"), "progress on stderr: " + r);
    }

    @Test
    void forceReplacesAnExistingOutput() throws Exception {
        Path out = Files.writeString(dir.resolve("replace.png"), "old");
        CliRun refused = transfer(smallContent, smallStyle, out, "--set", "method=wct");
        assertEquals(2, refused.code(), refused.toString());
        assertEquals("old", Files.readString(out));
        CliRun r = transfer(smallContent, smallStyle, out, "--set", "method=wct", "--force");
        assertEquals(0, r.code(), r.toString());
        assertEquals(96, ImageFiles.read(out, "result").width());
    }

    @Test
    void traceWritesTheRunsLatentsAsSafetensors() throws Exception {
        Path trace = dir.resolve("trace.safetensors");
        CliRun r = transfer(smallContent, smallStyle, dir.resolve("traced.png"), "--trace", trace.toString(),
                "--set", "autoencoder=taesd");
        assertEquals(0, r.code(), r.toString());
        byte[] bytes = Files.readAllBytes(trace);
        long headerLength = java.nio.ByteBuffer.wrap(bytes, 0, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
        String header = new String(bytes, 8, (int) headerLength, java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(header.contains("encode.content") && header.contains("latent-stats"), header);
    }

    @Test
    void unknownStrategyIsBadInput() {
        CliRun r = transfer(smallContent, smallStyle, dir.resolve("u.png"), "--strategy", "no-such-strategy");
        assertEquals(2, r.code(), r.toString());
        assertTrue(r.err().contains("no-such-strategy") && r.err().contains("latent-stats"), r.toString());
        assertFalse(Files.exists(dir.resolve("u.png")));
    }

    @Test
    void unknownParameterIsBadInput() {
        CliRun r = transfer(smallContent, smallStyle, dir.resolve("p.png"), "--set", "no_such_key=1");
        assertEquals(2, r.code(), r.toString());
        assertTrue(r.err().contains("no_such_key"), r.toString());
    }

    @Test
    void outOfRangeParameterIsBadInput() {
        CliRun r = transfer(smallContent, smallStyle, dir.resolve("r.png"), "--set", "strength=1e9");
        assertEquals(2, r.code(), r.toString());
        assertTrue(r.err().contains("strength") && r.err().contains("range"), r.toString());
        CliRun choice = transfer(smallContent, smallStyle, dir.resolve("r.png"), "--set", "method=nonsense");
        assertEquals(2, choice.code(), choice.toString());
        assertTrue(choice.err().contains("adain"), choice.toString());
    }

    @Test
    void strategiesListsLatentStatsWithItsParameters() {
        CliRun r = CliRun.of("strategies");
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("latent-stats"), r.toString());
        assertTrue(r.out().contains("method") && r.out().contains("adain|wct"), r.toString());
        assertTrue(r.out().contains("autoencoder") && r.out().contains("taef2"), r.toString());
    }

    @Test
    void demoWritesOneSideBySidePng() {
        Path out = dir.resolve("demo.png");
        CliRun r = CliRun.of("demo", "--out", out.toString(), "--size", "96");
        assertEquals(0, r.code(), r.toString());
        FloatImage demo = ImageFiles.read(out, "demo");
        assertEquals(96, demo.height());
        assertEquals(4 * 96 + 3 * 8, demo.width(), "content | style | adain | wct");
    }
}
