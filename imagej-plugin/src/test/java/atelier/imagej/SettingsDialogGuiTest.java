package atelier.imagej;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/**
 * The screenshot test of the Style Transfer dialogs ({@link DialogScreenshots}): with a display ({@code DISPLAY}
 * set) it runs in this JVM; without one it runs in a child JVM under {@code xvfb-run} (Debian package
 * {@code xvfb}); with neither it is skipped. The PNGs stay in {@code target/dialogs/} as test artifacts.
 */
class SettingsDialogGuiTest {

    @Test
    void dialogsShowTheExpectedWidgetsAndGiveTheSameSettingsAsAMacro() throws Exception {
        File dir = new File("target/dialogs");
        String display = System.getenv("DISPLAY");
        if (display != null && !display.isBlank()) {
            System.setProperty("java.awt.headless", "false"); // own JVM per test class, before any AWT use
            DialogScreenshots.run(dir);
        } else {
            String xvfb = onPath("xvfb-run");
            assumeTrue(xvfb != null, "no DISPLAY and no xvfb-run (apt-get install xvfb): dialog test skipped");
            List<String> cmd = new ArrayList<>(List.of(xvfb, "-a", "-s", "-screen 0 1280x1024x24",
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Djava.awt.headless=false", "-Datelier.shared=" + System.getProperty("atelier.shared", ""),
                    "-cp", System.getProperty("java.class.path"), DialogScreenshots.class.getName(),
                    dir.getAbsolutePath()));
            Path log = Files.createTempFile("atelier-dialogs", ".log");
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            boolean done = p.waitFor(120, TimeUnit.SECONDS);
            if (!done) {
                p.destroyForcibly();
            }
            String out = Files.readString(log);
            Files.delete(log);
            assertTrue(done, "the dialog run did not finish in 120 s:\n" + out);
            assertEquals(0, p.exitValue(), "dialog checks failed under xvfb-run:\n" + out);
        }
        assertTrue(new File(dir, "1-style-and-strategy.png").length() > 0, "no screenshot of the first dialog");
        assertTrue(new File(dir, "2-parameters.png").length() > 0, "no screenshot of the parameters dialog");
    }

    private static String onPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String d : path.split(File.pathSeparator)) {
            File f = new File(d, name);
            if (f.canExecute()) {
                return f.getAbsolutePath();
            }
        }
        return null;
    }
}
