package atelier.imagej;

import atelier.api.ProgressListener;

/** A progress listener that also hears when the command moves to the next plane or tile. */
interface UnitProgress extends ProgressListener {
    /**
     * @param index 0-based unit (plane × tile) about to start
     * @param count units in the run
     * @param label e.g. "plane 2/5, tile 3/16", or empty for a single unit
     */
    void unit(int index, int count, String label);
}
