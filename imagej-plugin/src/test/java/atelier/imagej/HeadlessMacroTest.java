package atelier.imagej;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import net.imagej.patcher.LegacyEnvironment;

/**
 * Runs the command the way Fiji's {@code --headless} does: ImageJ 1.x patched by ij1-patcher, the plugin found
 * through the {@code plugins.config} of a jar with an underscore in its name, macros calling
 * {@code run("Style Transfer...", ...)}. The service is the fake one (system property), so this pins the macro
 * keys, the menu registration and the image plumbing; no ij.* class may be touched before the patcher ran.
 */
class HeadlessMacroTest {
    @TempDir
    static Path tmp;
    private static LegacyEnvironment ij1;

    @BeforeAll
    static void patchImageJ() throws Exception {
        System.setProperty("atelier.imagej.service", FakeStyleTransferService.class.getName());
        ij1 = new LegacyEnvironment(HeadlessMacroTest.class.getClassLoader(), true);
        ij1.addPluginClasspath(pluginJar(tmp.resolve("plugins")).toFile());
    }

    @Test
    void newImageRunsStyleTransferByMenuName() throws Exception {
        Path style = shared("images/ihc.png");
        ij1.runMacro("before = nImages; newImage('content', '16-bit ramp', 96, 64, 1);"
                + "run('Style Transfer...', 'style=[" + style + "] strategy=latent-stats autoencoder=taesd "
                + "method=wct strength=0.5 seed=7');"
                + "call('java.lang.System.setProperty', 'atelier.test.result',"
                + " getTitle() + ' ' + getWidth() + 'x' + getHeight() + ' ' + bitDepth() + ' ' + (nImages - before));", "");
        assertEquals("content-latent-stats 96x64 16 2", System.getProperty("atelier.test.result"));
        assertEquals("wct", FakeStyleTransferService.lastParameters().get("method"));
        assertEquals("0.5", FakeStyleTransferService.lastParameters().get("strength"));
        assertEquals("taesd", FakeStyleTransferService.lastParameters().get("autoencoder"));
        assertEquals(7, FakeStyleTransferService.lastRequest.seed());
    }

    @Test
    void exampleMacroStylisesAFileAndSavesIt() throws Exception {
        Path out = tmp.resolve("astronaut-styled.png");
        String macro = Files.readString(examples().resolve("style-transfer.ijm"));
        ij1.runMacro(macro, "content=[" + shared("images/astronaut.png") + "] style=[" + shared("images/ihc.png")
                + "] output=[" + out + "] options=[autoencoder=taesd strength=0.8]");
        BufferedImage result = ImageIO.read(out.toFile());
        assertNotNull(result, "the macro saved no image at " + out);
        BufferedImage content = ImageIO.read(shared("images/astronaut.png").toFile());
        assertEquals(content.getWidth(), result.getWidth());
        assertEquals(content.getHeight(), result.getHeight());
        assertEquals("0.8", FakeStyleTransferService.lastParameters().get("strength"));
    }

    @Test
    void batchMacroStylisesEveryImageOfAFolder() throws Exception {
        Path in = Files.createDirectories(tmp.resolve("batch in"));
        Path out = tmp.resolve("batch out");
        Files.copy(shared("images/astronaut.png"), in.resolve("astronaut.png"));
        Files.copy(shared("images/coffee.png"), in.resolve("coffee.png"));
        Files.writeString(in.resolve("notes.txt"), "not an image");
        String macro = Files.readString(examples().resolve("batch-folder.ijm"));
        ij1.runMacro(macro, "input=[" + in + "] style=[" + shared("images/ihc.png") + "] output=[" + out
                + "] options=[method=wct seed=3]");
        try (Stream<Path> files = Files.list(out)) {
            assertEquals("[astronaut-latent-stats.png, coffee-latent-stats.png]",
                    files.map(p -> p.getFileName().toString()).sorted().toList().toString());
        }
        assertTrue(Files.exists(out.resolve("astronaut-latent-stats.png")));
        BufferedImage coffee = ImageIO.read(out.resolve("coffee-latent-stats.png").toFile());
        BufferedImage original = ImageIO.read(in.resolve("coffee.png").toFile());
        assertEquals(original.getWidth(), coffee.getWidth());
        assertEquals(original.getHeight(), coffee.getHeight());
        assertEquals(3, FakeStyleTransferService.lastRequest.seed());
    }

    @Test
    void pluginsConfigRegistersBothCommandNames() throws Exception {
        ij1.runMacro("List.setCommands; call('java.lang.System.setProperty', 'atelier.test.commands',"
                + " List.get('Style Transfer...') + ' ' + List.get('Style Transfer'));", "");
        assertEquals("atelier.imagej.StyleTransfer_ atelier.imagej.StyleTransfer_",
                System.getProperty("atelier.test.commands"));
    }

    @Test
    void commandNameWithoutDotsWorksToo() throws Exception {
        Path style = shared("images/ihc.png");
        System.clearProperty("atelier.test.result");
        ij1.runMacro("newImage('grey', '8-bit ramp', 40, 30, 1);"
                + "run('Style Transfer', 'style=[" + style + "] method=adain');"
                + "call('java.lang.System.setProperty', 'atelier.test.result', getTitle());", "");
        assertEquals("grey-latent-stats", System.getProperty("atelier.test.result"));
    }

    @Test
    void badValueStopsTheMacroWithAMessage() throws Exception {
        Path style = shared("images/ihc.png");
        System.clearProperty("atelier.test.after");
        ij1.runMacro("newImage('c', '8-bit ramp', 40, 30, 1);"
                    + "run('Style Transfer...', 'style=[" + style + "] strength=3');"
                + "call('java.lang.System.setProperty', 'atelier.test.after', 'ran on');", "");
        assertEquals(null, System.getProperty("atelier.test.after"), "the macro went on after a bad value");
    }

    @Test
    void withoutOptionsHeadlessItAsksForThemInsteadOfHanging() throws Exception {
        System.clearProperty("atelier.test.after");
        ij1.runMacro("newImage('c', '8-bit ramp', 40, 30, 1); run('Style Transfer...');"
                + "call('java.lang.System.setProperty', 'atelier.test.after', 'ran on');", "");
        assertEquals(null, System.getProperty("atelier.test.after"), "the macro went on without options");
    }

    @Test
    void recordedOptionsReplayToTheSameRequest() throws Exception {
        String style = shared("images/ihc.png").toString();
        FakeStyleTransferService fake = new FakeStyleTransferService();
        TransferSettings recorded = SettingsParser.parse("style=[" + style + "] strategy=all-types gamma=0.3 "
                + "steps=7 adain_init=false layers=all prompt=[in the style of a stain] seed=13 model=[tiny sd]",
                fake.strategies());
        ij1.runMacro("newImage('r', 'RGB noise', 24, 16, 1);"
                + "run('Style Transfer...', '" + recorded.toMacroOptions() + "');", "");
        assertEquals(recorded.parameters(), FakeStyleTransferService.lastParameters());
        assertEquals(13, FakeStyleTransferService.lastRequest.seed());
        assertEquals("tiny sd", FakeStyleTransferService.lastRequest.model().orElseThrow());
        assertEquals("all-types", FakeStyleTransferService.lastRequest.strategyId());
    }

    @Test
    void everyImageTypeThroughAMacro() throws Exception {
        Path style = shared("images/ihc.png");
        StringBuilder macro = new StringBuilder("types = newArray('8-bit ramp', '16-bit ramp', '32-bit ramp', "
                + "'RGB ramp'); r = '';");
        macro.append("for (i = 0; i < types.length; i++) { newImage('t' + i, types[i], 48, 32, 1);"
                + "run('Style Transfer...', 'style=[" + style + "] strength=0.5');"
                + "r = r + getTitle() + ':' + bitDepth() + ' '; }");
        macro.append("newImage('grey', '16-bit ramp', 48, 32, 1);"
                + "run('Style Transfer...', 'style=[" + style + "] color');"
                + "r = r + getTitle() + ':' + bitDepth();");
        macro.append("call('java.lang.System.setProperty', 'atelier.test.types', r);");
        ij1.runMacro(macro.toString(), "");
        assertEquals("t0-latent-stats:8 t1-latent-stats:16 t2-latent-stats:32 t3-latent-stats:24 "
                + "grey-latent-stats:24", System.getProperty("atelier.test.types"));
    }

    @Test
    void compositeHyperstackAllPlanesAndCurrentPlane() throws Exception {
        Path style = shared("images/ihc.png");
        FakeStyleTransferService.CALLS.set(0);
        FakeStyleTransferService.resetSessions();
        ij1.runMacro("newImage('cells', '16-bit composite-mode ramp', 40, 30, 2, 3, 2);"
                + "Stack.setPosition(2, 2, 1);"
                + "run('Style Transfer...', 'style=[" + style + "] stack range=percentiles seed=5');"
                + "Stack.getDimensions(w, h, c, z, t);"
                + "all = getTitle() + ' ' + c + 'x' + z + 'x' + t + ' ' + bitDepth() + ' ' + is('composite');"
                + "selectImage('cells'); Stack.setPosition(2, 2, 1);"
                + "run('Style Transfer...', 'style=[" + style + "]');"
                + "one = '' + nSlices + ' ' + bitDepth();"
                + "call('java.lang.System.setProperty', 'atelier.test.hyper', all + ' | ' + one);", "");
        assertEquals("cells-latent-stats 2x3x2 16 1 | 1 16", System.getProperty("atelier.test.hyper"));
        assertEquals(12 + 1, FakeStyleTransferService.CALLS.get(), "12 planes, then the current one");
        assertEquals(2, FakeStyleTransferService.SESSIONS.size(), "one session per command");
        assertEquals(12, FakeStyleTransferService.SESSIONS.get(0).requests.size(), "all planes in one session");
        assertEquals(1, FakeStyleTransferService.SESSIONS.get(1).requests.size());
        assertTrue(FakeStyleTransferService.SESSIONS.get(0).closed() && FakeStyleTransferService.SESSIONS.get(1)
                .closed(), "sessions closed when their command ended");
        assertEquals(0, FakeStyleTransferService.DIRECT.get(), "transfers outside a session");
    }

    @Test
    void selectionLimitsTheResultThroughAMacro() throws Exception {
        Path style = shared("images/ihc.png");
        ij1.runMacro("newImage('sel', '8-bit black', 120, 80, 1); makeOval(30, 20, 60, 40);"
                + "run('Style Transfer...', 'style=[" + style + "] feather=4');"
                + "call('java.lang.System.setProperty', 'atelier.test.roi', getPixel(2, 2) + ' ' + getPixel(60, 40)"
                + " + ' ' + getPixel(31, 21));", "");
        String[] v = System.getProperty("atelier.test.roi").split(" ");
        assertEquals("0", v[0], "outside the selection");
        assertTrue(Integer.parseInt(v[1]) > 0, "inside the selection: " + v[1]);
        assertEquals("0", v[2], "the bounding box corner lies outside the oval");
    }

    @Test
    void escapeCancelsAMacroRunWithoutAResult() throws Exception {
        Path style = shared("images/ihc.png");
        FakeStyleTransferService.stepMillis = 200;
        FakeStyleTransferService.resetSessions();
        System.clearProperty("atelier.test.after");
        Thread presser = new Thread(() -> {
            try {
                Thread.sleep(600);
                ij.IJ.setKeyDown(java.awt.event.KeyEvent.VK_ESCAPE);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        try {
            presser.start();
            ij1.runMacro("newImage('c', '8-bit ramp', 40, 30, 1);"
                    + "run('Style Transfer...', 'style=[" + style + "]');"
                    + "call('java.lang.System.setProperty', 'atelier.test.after', getTitle());", "");
            presser.join();
        } finally {
            FakeStyleTransferService.stepMillis = 0;
            ij.IJ.resetEscape();
        }
        assertTrue(FakeStyleTransferService.lastCancelled, "the service saw the cancellation");
        assertEquals(null, System.getProperty("atelier.test.after"), "the macro went on after Esc");
        assertEquals(1, FakeStyleTransferService.SESSIONS.size());
        assertTrue(FakeStyleTransferService.SESSIONS.get(0).closed(), "the cancelled command closed its session");
    }

    @Test
    void managementCommandsAreRegisteredAndAboutRunsHeadless() throws Exception {
        ij1.runMacro("List.setCommands; call('java.lang.System.setProperty', 'atelier.test.menu',"
                + " List.get('Batch...') + ' ' + List.get('Manage Strategies...') + ' ' + List.get('Models...')"
                + " + ' ' + List.get('About Atelier...'));"
                + "run('About Atelier...'); call('java.lang.System.setProperty', 'atelier.test.about', 'ran');", "");
        assertEquals("atelier.imagej.Batch_ atelier.imagej.ManageStrategies_ atelier.imagej.Models_ "
                + "atelier.imagej.About_", System.getProperty("atelier.test.menu"));
        assertEquals("ran", System.getProperty("atelier.test.about"));
    }

    @Test
    void batchCommandRunsTheBundledMacro() throws Exception {
        Path in = Files.createDirectories(tmp.resolve("batch cmd in"));
        Path out = tmp.resolve("batch cmd out");
        Files.copy(shared("images/chessboard_GRAY_U16.tif"), in.resolve("chessboard.tif"));
        Files.copy(shared("images/coffee.png"), in.resolve("coffee.png"));
        FakeStyleTransferService.resetSessions();
        ij1.runMacro("run('Batch...', 'input=[" + in + "] style=[" + shared("images/ihc.png") + "] output=[" + out
                + "] strategy=latent-stats options=[strength=0.7]');", "");
        assertEquals(1, FakeStyleTransferService.SESSIONS.size(), "one session for the whole folder");
        assertEquals(2, FakeStyleTransferService.SESSIONS.get(0).requests.size(), "both files ran in it");
        assertTrue(FakeStyleTransferService.SESSIONS.get(0).closed(), "closed when the batch ended");
        assertEquals(0, FakeStyleTransferService.DIRECT.get());
        try (Stream<Path> files = Files.list(out)) {
            assertEquals("[chessboard-latent-stats.png, coffee-latent-stats.png]",
                    files.map(p -> p.getFileName().toString()).sorted().toList().toString());
        }
        assertEquals("0.7", FakeStyleTransferService.lastParameters().get("strength"));
    }

    @Test
    void modelsListRunsWithoutAHost() throws Exception {
        System.setProperty("atelier.models", shared("models/README.md").getParent().toString());
        System.clearProperty("atelier.test.after");
        ij1.runMacro("run('Models...', 'action=list');"
                + "call('java.lang.System.setProperty', 'atelier.test.after', 'listed');", "");
        assertEquals("listed", System.getProperty("atelier.test.after"));
        ij1.runMacro("run('Models...', 'action=fetch');"
                + "call('java.lang.System.setProperty', 'atelier.test.after', 'went on');", "");
        assertEquals("listed", System.getProperty("atelier.test.after"), "an unknown action stops the macro");
    }

    @Test
    void optionsStoredOnTheResultReplayToTheSamePixels() throws Exception {
        System.clearProperty("atelier.test.replay");
        ij1.runMacro(replayMacro(shared("images/coffee.png"), shared("images/ihc.png"),
                "strength=0.6 method=wct tile=256 seed=3"), "");
        String replay = System.getProperty("atelier.test.replay");
        assertNotNull(replay, "the macro did not finish");
        assertTrue(replay.startsWith("600x400 1 "), replay);
        assertTrue(replay.contains("tile=256") && replay.contains("strength=0.6"), replay);
    }

    /**
     * A macro that stylises {@code content}, reads the options the result carries ({@code atelier.options}), runs
     * them again on the content and compares the two results; sets {@code atelier.test.replay} to
     * "{@code WxH same options}".
     */
    static String replayMacro(Path content, Path style, String options) {
        return "open('" + content + "'); id = getImageID();"
                + "run('Style Transfer...', 'style=[" + style + "] " + options + "');"
                + "first = getImageID(); opts = Property.get('atelier.options');"
                + "selectImage(id); run('Style Transfer...', opts); second = getImageID();"
                + "same = 1; selectImage(first); w = getWidth(); h = getHeight();"
                + "for (y = 0; y < h; y += 7) { for (x = 0; x < w; x += 5) {"
                + "  selectImage(first); a = getPixel(x, y); selectImage(second); b = getPixel(x, y);"
                + "  if (a != b) same = 0; } }"
                + "call('java.lang.System.setProperty', 'atelier.test.replay', '' + w + 'x' + h + ' ' + same + ' '"
                + " + opts);";
    }

    /** A jar named with an underscore holding the plugin's classes and plugins.config, as Fiji installs it. */
    static Path pluginJar(Path dir) throws IOException, URISyntaxException {
        URL config = HeadlessMacroTest.class.getClassLoader().getResource("plugins.config");
        assertNotNull(config, "plugins.config is not on the test class path");
        Path classes = Paths.get(config.toURI()).getParent();
        Files.createDirectories(dir);
        Path jar = dir.resolve("Atelier_-test.jar");
        try (OutputStream os = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(os);
                Stream<Path> walk = Files.walk(classes)) {
            for (Path p : (Iterable<Path>) walk.filter(Files::isRegularFile)::iterator) {
                out.putNextEntry(new JarEntry(classes.relativize(p).toString().replace('\\', '/')));
                Files.copy(p, out);
                out.closeEntry();
            }
        }
        return jar;
    }

    static Path shared(String relative) {
        String root = System.getProperty("atelier.shared", "../../shared");
        Path p = Paths.get(root).resolve(relative).toAbsolutePath().normalize();
        assertTrue(Files.isRegularFile(p), "missing test input " + p);
        return p;
    }

    static Path examples() {
        Path p = Paths.get("").toAbsolutePath().resolveSibling("examples").resolve("macros");
        assertTrue(Files.isDirectory(p), "missing " + p);
        return p;
    }
}
