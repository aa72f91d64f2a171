package atelier.imagej;

import java.util.Locale;
import java.util.function.LongSupplier;

import ij.IJ;

/**
 * Shows a run's progress in ImageJ's status bar and progress bar (both no-ops when headless): the unit (plane,
 * tile), the strategy's phase and step, and the time left, estimated from the units done so far (and from the
 * first unit's phases while the first one runs). When a strategy tiles an image itself its phases start with
 * {@code tile k/n: }, and the time left is estimated from the tiles done. Otherwise, while the first unit runs,
 * the time left is that of the current phase (the phases still to come are not known).
 */
final class ImageJProgress implements UnitProgress {
    private final String strategyId;
    private final LongSupplier clock;
    private final long start;
    private int unit;
    private int units = 1;
    private String label = "";
    private double unitFraction;
    private double tileFraction = -1;
    private String phaseName = "";
    private long phaseStart;
    private static final java.util.regex.Pattern TILE = java.util.regex.Pattern.compile("tile (\\d+)/(\\d+): ");

    ImageJProgress(String strategyId) {
        this(strategyId, System::nanoTime);
    }

    ImageJProgress(String strategyId, LongSupplier nanoClock) {
        this.strategyId = strategyId;
        this.clock = nanoClock;
        this.start = nanoClock.getAsLong();
    }

    @Override
    public synchronized void unit(int index, int count, String unitLabel) {
        unit = index;
        units = Math.max(1, count);
        label = unitLabel == null ? "" : unitLabel;
        unitFraction = 0;
        tileFraction = -1;
    }

    @Override
    public void progress(String phase, int done, int total) {
        String line = statusLine(phase, done, total);
        IJ.showStatus(line);
        IJ.showProgress(fraction());
    }

    /** The status text for a progress report (also updates the fraction done). */
    synchronized String statusLine(String phase, int done, int total) {
        int t = Math.max(1, total);
        double phaseDone = Math.min(done, t) / (double) t;
        java.util.regex.Matcher tile = TILE.matcher(phase);
        if (tile.lookingAt()) {
            // a strategy that tiles itself: tile k of n sets the pace, the phase inside it refines it
            int k = Integer.parseInt(tile.group(1));
            int n = Math.max(1, Integer.parseInt(tile.group(2)));
            tileFraction = Math.max(tileFraction, Math.min(1.0, (k - 1 + Math.min(phaseDone, 0.99)) / n));
        }
        unitFraction = Math.min(1.0, Math.max(unitFraction, phaseDone));
        if (!phase.equals(phaseName)) {
            phaseName = phase;
            phaseStart = clock.getAsLong();
        }
        StringBuilder sb = new StringBuilder("Atelier ").append(strategyId).append(": ");
        if (!label.isEmpty()) {
            sb.append(label).append(", ");
        }
        sb.append(phase).append(' ').append(Math.min(done, t)).append('/').append(t);
        String left = unit > 0 || tileFraction >= 0 ? timeLeft() : phaseTimeLeft(Math.min(done, t), t);
        if (!left.isEmpty()) {
            sb.append(", ").append(left);
        }
        return sb.append(" (Esc cancels)").toString();
    }

    /** Fraction of the whole run done, in [0, 1). */
    synchronized double fraction() {
        double inUnit = tileFraction >= 0 ? tileFraction : unitFraction;
        return Math.min(0.999, (unit + inUnit) / units);
    }

    private String timeLeft() {
        double f = fraction();
        double elapsed = (clock.getAsLong() - start) / 1e9;
        if (f < 0.02 || elapsed < 1) {
            return "";
        }
        long left = Math.round(elapsed / f * (1 - f));
        return "about " + duration(left) + " left";
    }

    /**
     * While the first unit runs and the strategy gives no tiles, its phases are all there is to go by, and the
     * phases still to come are unknown: the time left is that of the current phase, from its own pace.
     */
    private String phaseTimeLeft(int done, int total) {
        double elapsed = (clock.getAsLong() - phaseStart) / 1e9;
        if (done < 1 || done >= total || elapsed < 1) {
            return "";
        }
        long left = Math.round(elapsed / done * (total - done));
        return "about " + duration(left) + " left in this phase";
    }

    static String duration(long seconds) {
        if (seconds < 60) {
            return seconds + " s";
        }
        if (seconds < 3600) {
            return String.format(Locale.ROOT, "%d:%02d min", seconds / 60, seconds % 60);
        }
        return String.format(Locale.ROOT, "%d:%02d h", seconds / 3600, (seconds % 3600) / 60);
    }

    /** Clears the bars at the end of a run. */
    void finish(String message) {
        IJ.showProgress(1.0);
        IJ.showStatus(message);
    }
}
