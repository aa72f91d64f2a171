package atelier.host.models;

import java.io.PrintStream;

/** Receives download progress and status lines. Called on the downloading thread; keep it quick. */
@FunctionalInterface
public interface ProgressSink {
    /** Ignores everything. */
    ProgressSink NONE = (file, done, total, bytesPerSecond) -> { };

    /**
     * @param file           the file's path inside its model folder
     * @param done           bytes of the file on disk so far (including a resumed part)
     * @param total          the file's size, or {@code -1} when unknown
     * @param bytesPerSecond transfer speed of this attempt
     */
    void progress(String file, long done, long total, double bytesPerSecond);

    /** A status line (file skipped, resumed, placed). */
    default void message(String line) { }

    /** An error line; the operation is failing. */
    default void error(String line) { message(line); }

    /**
     * Prints progress to {@code out} and errors to {@code err}. {@code interactive}: one line per file redrawn
     * with carriage returns (a terminal); otherwise a line at every tenth of the file (a log).
     */
    static ProgressSink printing(PrintStream out, PrintStream err, boolean interactive) {
        return new TextProgress(out, err, interactive);
    }
}
