package atelier.cli.progress;

import java.nio.file.Files;
import java.nio.file.Path;

/** Whether standard error is an interactive terminal, so that a progress line may be redrawn in place. */
public final class Terminal {

    private Terminal() { }

    /**
     * True when stderr is a terminal. On Linux this reads where {@code /proc/self/fd/2} points; elsewhere it
     * falls back to {@link System#console()} (which needs stdin and stdout to be terminals too). A dumb
     * terminal ({@code TERM=dumb}) counts as no terminal.
     */
    public static boolean stderrIsTerminal() {
        if ("dumb".equals(System.getenv("TERM"))) {
            return false;
        }
        Path fd = Path.of("/proc/self/fd/2");
        if (Files.exists(Path.of("/proc/self/fd"))) {
            try {
                String target = Files.readSymbolicLink(fd).toString();
                return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
            } catch (Exception e) {
                return false;
            }
        }
        return System.console() != null;
    }
}
