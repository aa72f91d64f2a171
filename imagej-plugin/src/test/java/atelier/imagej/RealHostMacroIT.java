package atelier.imagej;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.awt.image.BufferedImage;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import net.imagej.patcher.LegacyEnvironment;

/**
 * The packaged plugin jar ({@code target/Atelier_-<version>.jar}) in ImageJ patched as Fiji {@code --headless}
 * does, against the REAL host: the features built in this reactor, the models from {@code ATELIER_MODELS} (or the
 * shared folder). A macro opens the astronaut, stylises it with the IHC stain image through {@code latent-stats}
 * and TAESD, and the test checks the new image: size, type, Info, and that its colours moved toward the style.
 * Runs in the integration-test phase ({@code mvn verify}), after the jar and the features are packaged.
 */
class RealHostMacroIT {
    private static LegacyEnvironment ij1;

    @BeforeAll
    static void startPatchedImageJ() throws Exception {
        String features = System.getProperty("atelier.features");
        // set by the real-host execution (integration-test phase); absent when -Dtest picks this class earlier
        assumeTrue(features != null, "no -Datelier.features: runs in the integration-test phase only");
        assertTrue(Files.isDirectory(Paths.get(features, "latent-stats")), "features not built in " + features);
        if (System.getenv("ATELIER_MODELS") == null && System.getProperty("atelier.models") == null) {
            System.setProperty("atelier.models", HeadlessMacroTest.shared("models/README.md").getParent().toString());
        }
        ij1 = new LegacyEnvironment(RealHostMacroIT.class.getClassLoader(), true);
        ij1.addPluginClasspath(packagedJar().toFile());
    }

    static Path packagedJar() throws Exception {
        Path target = Paths.get("target");
        try (DirectoryStream<Path> jars = Files.newDirectoryStream(target, "Atelier_-*.jar")) {
            for (Path jar : jars) {
                return jar.toAbsolutePath();
            }
        }
        throw new AssertionError("no target/Atelier_-*.jar: run this in the integration-test phase");
    }

    @Test
    void astronautTakesTheIhcStyle() throws Exception {
        Path content = HeadlessMacroTest.shared("images/astronaut.png");
        Path style = HeadlessMacroTest.shared("images/ihc.png");
        Path out = Paths.get("target", "real-host", "astronaut-latent-stats.png").toAbsolutePath();
        Files.createDirectories(out.getParent());
        Files.deleteIfExists(out);
        ij1.runMacro("open('" + content + "'); before = nImages;"
                + "run('Style Transfer...', 'style=[" + style + "] strategy=latent-stats autoencoder=taesd "
                + "method=adain seed=1');"
                + "call('java.lang.System.setProperty', 'atelier.it.result', getTitle() + ' ' + getWidth() + 'x'"
                + " + getHeight() + ' ' + bitDepth() + ' ' + (nImages - before));"
                + "call('java.lang.System.setProperty', 'atelier.it.info', getMetadata('Info'));"
                + "saveAs('PNG', '" + out + "');", "");
        assertEquals("astronaut.png-latent-stats 512x512 24 1", System.getProperty("atelier.it.result"));
        String info = System.getProperty("atelier.it.info");
        assertNotNull(info);
        assertTrue(info.contains("strategy: latent-stats\n") && info.contains("parameter.autoencoder: taesd\n")
                && info.contains("parameter.method: adain\n") && info.contains("seed: 1\n"), info);
        assertTrue(info.contains("bundle: atelier.strategy.latentstats "), info);

        BufferedImage result = ImageIO.read(out.toFile());
        assertCliRepeats(info, result);
        double[] r = meanRgb(result);
        double[] c = meanRgb(ImageIO.read(content.toFile()));
        double[] s = meanRgb(ImageIO.read(style.toFile()));
        assertTrue(distance(r, s) < 0.25 * distance(c, s), String.format(
                "result mean %s should be much nearer the style's %s than the content's %s is",
                fmt(r), fmt(s), fmt(c)));
    }

    @Test
    void recordedOptionsReplayToTheSameResultAndTilesWork() throws Exception {
        Path content = HeadlessMacroTest.shared("images/coffee.png");
        Path style = HeadlessMacroTest.shared("images/ihc.png");
        // first run with tile=256 (a strategy that takes pixel tiles gets the 600×400 photo in 6 overlapping tiles;
        // one that tiles itself gets it whole and tile=256 is only recorded); the options it records are run again
        // and must give the very same pixels
        System.clearProperty("atelier.test.replay");
        ij1.runMacro(HeadlessMacroTest.replayMacro(content, style, "autoencoder=taesd method=wct tile=256 seed=3"),
                "");
        String replay = System.getProperty("atelier.test.replay");
        assertTrue(replay.startsWith("600x400 1 "), replay);
        assertTrue(replay.contains("tile=256") && replay.contains("autoencoder=taesd"), replay);
    }

    @Test
    void batchMacroRunsOverTheSharedImages() throws Exception {
        Path images = HeadlessMacroTest.shared("images/ihc.png").getParent();
        Path out = Paths.get("target", "real-host", "batch").toAbsolutePath();
        if (Files.isDirectory(out)) {
            try (java.util.stream.Stream<Path> old = Files.list(out)) {
                for (Path p : (Iterable<Path>) old::iterator) {
                    Files.delete(p);
                }
            }
        }
        String macro = Files.readString(HeadlessMacroTest.examples().resolve("batch-folder.ijm"));
        ij1.runMacro(macro, "input=[" + images + "] style=[" + images.resolve("ihc.png") + "] output=[" + out
                + "] options=[autoencoder=taesd]");
        long inputs;
        try (java.util.stream.Stream<Path> in = Files.list(images)) {
            inputs = in.filter(p -> p.toString().matches(".*\\.(png|tif|jpg)$")).count();
        }
        try (java.util.stream.Stream<Path> results = Files.list(out)) {
            assertEquals(inputs, results.filter(p -> p.toString().endsWith("-latent-stats.png")).count(),
                    "one result per image of " + images);
        }
        BufferedImage hubble = ImageIO.read(out.resolve("hubble_deep_field-latent-stats.png").toFile());
        assertEquals(1000, hubble.getWidth());
        assertEquals(872, hubble.getHeight());
    }

    @Test
    void presetsAndStrategiesComeFromBundlesAndFollowThemWhileRunning() throws Exception {
        java.util.Optional<atelier.host.AtelierHost> host = AtelierSession.host();
        assertTrue(host.isPresent(), "the real host runs");
        StrategyManager manager = new StrategyManager(host.get(), AtelierSession.service());
        String list = manager.list();
        assertTrue(list.contains("latent-stats") && list.contains("atelier.ui.presets")
                && list.contains("atelier.strategy.latentstats"), list);
        assertTrue(AtelierSession.presets().stream().anyMatch(p -> p.strategyId().equals("latent-stats")),
                "Atelier's presets are offered");
        manager.uninstallFeature("presets");
        assertTrue(AtelierSession.presets().isEmpty(), "presets gone with their bundle: " + AtelierSession.presets());
        manager.installFeature("presets");
        assertTrue(!AtelierSession.presets().isEmpty(), "presets back without a restart");
    }

    @Test
    void everyBuiltInStrategyWorksFromAMacroOnAStackInTiles() throws Exception {
        ij1.runMacro("run('Manage Strategies...', 'action=install feature=styleid');"
                + "run('Manage Strategies...', 'action=install feature=pnp');", "");
        java.util.List<atelier.api.StrategyInfo> strategies = AtelierSession.service().strategies();
        assertTrue(strategies.stream().map(atelier.api.StrategyInfo::id).toList().containsAll(
                java.util.List.of("latent-stats", "pnp", "styleid")), strategies.toString());
        for (atelier.api.StrategyInfo s : strategies) {
            for (atelier.api.spi.ParameterSpec p : s.spec().parameters()) {
                assertTrue(!CommandKeys.ALL.contains(p.key()), s.id() + " declares '" + p.key()
                        + "', a key the Style Transfer command owns");
            }
        }
        Path style = HeadlessMacroTest.shared("images/ihc.png");
        Path models = HeadlessMacroTest.shared("models/tiny-sd/model_index.json").getParent();
        // a 16-bit 3-plane stack of 150 × 90: tiny-sd's native tile is 64 px, so every plane is cut into 6 latent
        // tiles by the strategy; all planes run in one session (one style inversion for StyleID)
        for (String options : new String[] {"strategy=styleid steps=3 layers=0-2 store=recompute tile_size=64",
                "strategy=pnp steps=3 inversion_steps=3 tau_f=2 tau_a=1 attn_layers=0-2 feature_layer=up_blocks.1.resnets.1"
                        + " prompt=[a painting] tile_size=64"}) {
            System.clearProperty("atelier.test.stack");
            long t0 = System.nanoTime();
            ij1.runMacro("newImage('stack', '16-bit ramp', 150, 90, 3); run('Style Transfer...', 'style=[" + style
                    + "] model=[" + models + "] stack seed=5 " + options + "');"
                    + "call('java.lang.System.setProperty', 'atelier.test.stack', getTitle() + ' ' + nSlices + ' '"
                    + " + bitDepth() + ' ' + getWidth() + 'x' + getHeight());", "");
            String id = options.substring("strategy=".length(), options.indexOf(' '));
            assertEquals("stack-" + id + " 3 16 150x90", System.getProperty("atelier.test.stack"), options);
            System.out.printf(java.util.Locale.ROOT, "RealHostMacroIT: %s on a 3-plane 150x90 stack: %.1f s%n", id,
                    (System.nanoTime() - t0) / 1e9);
        }
        // a diffusion result's Info is enough to repeat it with the CLI: an RGB photo in 24 latent tiles
        Path content = HeadlessMacroTest.shared("images/coffee.png");
        Path out = Paths.get("target", "real-host", "coffee-styleid.png").toAbsolutePath();
        Files.createDirectories(out.getParent());
        Files.deleteIfExists(out);
        ij1.runMacro("open('" + content + "'); run('Style Transfer...', 'style=[" + style + "] model=[" + models
                + "] seed=9 strategy=styleid steps=3 layers=0-2 store=recompute tile_size=64');"
                + "call('java.lang.System.setProperty', 'atelier.it.info', getMetadata('Info'));"
                + "saveAs('PNG', '" + out + "');", "");
        String info = System.getProperty("atelier.it.info");
        assertTrue(info.contains("strategy: styleid\n") && info.contains("parameter.tile_size: 64\n"), info);
        assertCliRepeats(info, ImageIO.read(out.toFile()), "styleid");
        ij1.runMacro("run('Manage Strategies...', 'action=uninstall feature=styleid');"
                + "run('Manage Strategies...', 'action=uninstall feature=pnp');", "");
    }

    /**
     * Runs the Info's {@code cli:} line with the CLI distribution built in this reactor
     * ({@code examples/cli/target/atelier}) and checks that it writes the same pixels.
     */
    private static void assertCliRepeats(String info, BufferedImage expected) throws Exception {
        assertCliRepeats(info, expected, null);
    }

    /** Like {@link #assertCliRepeats(String, BufferedImage)}, installing {@code feature} in the CLI's host first. */
    private static void assertCliRepeats(String info, BufferedImage expected, String feature) throws Exception {
        Path dist = Paths.get("..", "examples", "cli", "target", "atelier").toAbsolutePath().normalize();
        assertTrue(Files.isDirectory(dist.resolve("lib")), "no CLI distribution at " + dist);
        String line = info.lines().filter(l -> l.startsWith("cli: ")).findFirst().orElseThrow();
        java.util.List<String> words = shellWords(line.substring("cli: ".length()));
        assertEquals("atelier", words.get(0), line);
        Path out = Paths.get("target", "real-host", "cli-repeat.png").toAbsolutePath();
        Files.deleteIfExists(out);
        int o = words.indexOf("--out");
        words.set(o + 1, out.toString());
        Path home = Files.createTempDirectory("atelier-cli-home");
        if (feature != null) {
            runCli(dist, home, java.util.List.of("features", "install", feature));
        }
        runCli(dist, home, words.subList(1, words.size()));
        BufferedImage repeated = ImageIO.read(out.toFile());
        int maxDiff = 0;
        for (int y = 0; y < expected.getHeight(); y++) {
            for (int x = 0; x < expected.getWidth(); x++) {
                int a = expected.getRGB(x, y);
                int b = repeated.getRGB(x, y);
                for (int shift = 0; shift < 24; shift += 8) {
                    maxDiff = Math.max(maxDiff, Math.abs(((a >> shift) & 0xff) - ((b >> shift) & 0xff)));
                }
            }
        }
        assertTrue(maxDiff <= 1, "the CLI's result differs by up to " + maxDiff + " grey levels");
    }

    /** Runs the built CLI with its own host folder and the test models; fails with its output unless it exits 0. */
    private static void runCli(Path dist, Path home, java.util.List<String> args) throws Exception {
        java.util.List<String> cmd = new java.util.ArrayList<>(java.util.List.of(
                Paths.get(System.getProperty("java.home"), "bin", "java").toString(), "-Dai.djl.offline=true",
                "-Datelier.home=" + home, "-Datelier.features=" + dist.resolve("features"), "-cp",
                dist.resolve("lib") + "/*", "atelier.cli.Main"));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        String models = System.getenv("ATELIER_MODELS") != null ? System.getenv("ATELIER_MODELS")
                : System.getProperty("atelier.models");
        pb.environment().put("ATELIER_MODELS", models);
        Process p = pb.start();
        String text = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(p.waitFor(300, java.util.concurrent.TimeUnit.SECONDS), "the CLI did not finish");
        assertEquals(0, p.exitValue(), String.join(" ", cmd) + "\n" + text);
    }

    /** Splits a POSIX shell command line with single-quoted words (as ProvenanceInfo writes them). */
    static java.util.List<String> shellWords(String line) {
        java.util.List<String> out = new java.util.ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean inWord = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '\'') {
                int end = line.indexOf('\'', i + 1);
                word.append(line, i + 1, end);
                i = end;
                inWord = true;
            } else if (c == '\\' && i + 1 < line.length()) {
                word.append(line.charAt(++i));
                inWord = true;
            } else if (Character.isWhitespace(c)) {
                if (inWord) {
                    out.add(word.toString());
                    word.setLength(0);
                    inWord = false;
                }
            } else {
                word.append(c);
                inWord = true;
            }
        }
        if (inWord) {
            out.add(word.toString());
        }
        return out;
    }

    private static double[] meanRgb(BufferedImage img) {
        double[] m = new double[3];
        int w = img.getWidth();
        int h = img.getHeight();
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int p = img.getRGB(x, y);
                m[0] += (p >> 16) & 0xff;
                m[1] += (p >> 8) & 0xff;
                m[2] += p & 0xff;
            }
        }
        for (int i = 0; i < 3; i++) {
            m[i] /= (double) w * h;
        }
        return m;
    }

    private static double distance(double[] a, double[] b) {
        return Math.sqrt(Math.pow(a[0] - b[0], 2) + Math.pow(a[1] - b[1], 2) + Math.pow(a[2] - b[2], 2));
    }

    private static String fmt(double[] v) {
        return String.format("(%.1f, %.1f, %.1f)", v[0], v[1], v[2]);
    }
}
