package atelier.imagej;

import atelier.api.ProgressListener;
import ij.IJ;

/** Shows a run's progress in ImageJ's status bar and progress bar (both no-ops when headless). */
final class ImageJProgress implements ProgressListener {
    private final String strategyId;

    ImageJProgress(String strategyId) {
        this.strategyId = strategyId;
    }

    @Override
    public void progress(String phase, int done, int total) {
        int t = Math.max(1, total);
        IJ.showStatus("Atelier " + strategyId + ": " + phase + " " + done + "/" + t + " (Esc cancels)");
        IJ.showProgress(Math.min(done, t), t);
    }

    /** Clears the bars at the end of a run. */
    void finish(String message) {
        IJ.showProgress(1.0);
        IJ.showStatus(message);
    }
}
