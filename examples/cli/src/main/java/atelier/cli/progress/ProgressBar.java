package atelier.cli.progress;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.LongSupplier;

import atelier.api.ProgressListener;

/**
 * Shows a run's progress on stderr: phase, step/total, a bar and the time left in the phase.
 * On a terminal the line is redrawn in place with {@code \r}; otherwise plain lines are printed, at most
 * one per tenth of a phase, so logs stay short.
 */
public final class ProgressBar implements ProgressListener {
    private static final int BAR = 24;
    private static final long REDRAW_NANOS = 100_000_000L;

    private final PrintStream out;
    private final boolean terminal;
    private final LongSupplier clock;

    private String phase;
    private long phaseStart;
    private long lastDraw;
    private int lastDecile = -1;
    private int lastLength;
    private boolean lineOpen;

    public ProgressBar(PrintStream out, boolean terminal) {
        this(out, terminal, System::nanoTime);
    }

    /** With a clock, for tests. */
    public ProgressBar(PrintStream out, boolean terminal, LongSupplier nanoClock) {
        this.out = out;
        this.terminal = terminal;
        this.clock = nanoClock;
    }

    @Override
    public synchronized void progress(String phaseName, int done, int total) {
        long now = clock.getAsLong();
        int t = Math.max(1, total);
        int d = Math.max(0, Math.min(done, t));
        if (!phaseName.equals(phase)) {
            finishLine();
            phase = phaseName;
            phaseStart = now;
            lastDecile = -1;
            lastDraw = 0;
        }
        boolean last = d == t;
        if (terminal) {
            if (!last && lastDraw != 0 && now - lastDraw < REDRAW_NANOS) {
                return;
            }
            String line = line(d, t, now);
            StringBuilder sb = new StringBuilder("\r").append(line);
            for (int i = line.length(); i < lastLength; i++) {
                sb.append(' ');
            }
            out.print(sb);
            lastLength = line.length();
            lineOpen = true;
            if (last) {
                finishLine();
            }
        } else {
            int decile = d * 10 / t;
            if (decile == lastDecile && !last) {
                return;
            }
            if (last && lastDecile == 10) {
                return;
            }
            lastDecile = last ? 10 : decile;
            out.println(line(d, t, now));
        }
        out.flush();
        lastDraw = now;
    }

    /** Ends an open terminal line (call before printing anything else). */
    public synchronized void finish() {
        finishLine();
        out.flush();
    }

    private void finishLine() {
        if (lineOpen) {
            out.println();
            lineOpen = false;
            lastLength = 0;
        }
    }

    private String line(int done, int total, long now) {
        int filled = (int) ((long) BAR * done / total);
        StringBuilder bar = new StringBuilder(BAR);
        for (int i = 0; i < BAR; i++) {
            bar.append(i < filled ? '#' : '.');
        }
        String eta;
        if (done == total) {
            eta = "done in " + time((now - phaseStart) / 1e9);
        } else if (done == 0) {
            eta = "ETA --:--";
        } else {
            double elapsed = (now - phaseStart) / 1e9;
            eta = "ETA " + time(elapsed / done * (total - done));
        }
        return String.format(Locale.ROOT, "%-10s %4d/%-4d [%s] %3d%%  %s", phase, done, total, bar,
                (int) (100L * done / total), eta);
    }

    static String time(double seconds) {
        long s = Math.round(seconds);
        if (s >= 3600) {
            return String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60);
        }
        return String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}
