package atelier.api.hooks;

import java.util.List;

/**
 * Where a model call sits in a run.
 *
 * @param phase    what loop the call belongs to
 * @param index    0-based step index within the phase
 * @param count    number of steps in the phase
 * @param timestep the integer diffusion timestep of this call (0…999)
 * @param rows     a label per batch row, e.g. {@code ["uncond", "cond"]} or {@code ["source", "uncond", "cond"]}
 */
public record StepInfo(Phase phase, int index, int count, int timestep, List<String> rows) {
    public StepInfo {
        rows = List.copyOf(rows);
    }

    /** A single call outside any loop (tests, verification). */
    public static StepInfo single(int timestep, int batch) {
        return new StepInfo(Phase.OTHER, 0, 1, timestep, java.util.Collections.nCopies(batch, "row"));
    }

    /** Index of the first row with that label, or -1. */
    public int row(String label) { return rows.indexOf(label); }

    /** The loop a call belongs to. */
    public enum Phase { INVERSION, GENERATION, OTHER }
}
