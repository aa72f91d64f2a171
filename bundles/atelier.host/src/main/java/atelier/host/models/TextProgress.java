package atelier.host.models;

import java.io.PrintStream;
import java.util.Locale;

/** {@link ProgressSink} that writes human-readable lines. */
final class TextProgress implements ProgressSink {
    private final PrintStream out;
    private final PrintStream err;
    private final boolean interactive;
    private String file;
    private long lastTenth = -1;
    private long lastDraw;
    private boolean lineOpen;

    TextProgress(PrintStream out, PrintStream err, boolean interactive) {
        this.out = out;
        this.err = err;
        this.interactive = interactive;
    }

    @Override
    public synchronized void progress(String f, long done, long total, double bps) {
        if (!f.equals(file)) {
            endLine();
            file = f;
            lastTenth = -1;
            lastDraw = 0;
        }
        String line = "  " + f + "  " + Sizes.human(done) + (total >= 0 ? " / " + Sizes.human(total)
                + String.format(Locale.ROOT, " (%d%%)", total == 0 ? 100 : done * 100 / total) : "")
                + "  " + Sizes.human((long) bps) + "/s";
        boolean finished = total >= 0 && done >= total;
        if (interactive) {
            long now = System.nanoTime();
            if (finished || now - lastDraw > 200_000_000L) {
                out.print("\r" + line + "    ");
                out.flush();
                lineOpen = true;
                lastDraw = now;
            }
            if (finished) {
                endLine();
            }
        } else {
            long tenth = total > 0 ? done * 10 / total : -1;
            if (tenth != lastTenth || finished) {
                if (tenth != lastTenth) {
                    out.println(line);
                }
                lastTenth = tenth;
            }
        }
    }

    @Override
    public synchronized void message(String line) {
        endLine();
        out.println(line);
    }

    @Override
    public synchronized void error(String line) {
        endLine();
        out.flush();
        err.println(line);
    }

    private void endLine() {
        if (lineOpen) {
            out.println();
            lineOpen = false;
        }
    }
}
