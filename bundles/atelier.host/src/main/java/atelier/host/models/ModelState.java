package atelier.host.models;

import java.util.List;

/**
 * Which files of a registered model are on disk.
 *
 * @param entry   the model
 * @param present files in place
 * @param missing files not in place
 * @param bytes   total size of the present files
 */
public record ModelState(ModelEntry entry, List<ModelFile> present, List<ModelFile> missing, long bytes) {

    /** Whether all, some or none of the files are there. */
    public enum Presence { PRESENT, PARTIAL, MISSING }

    public ModelState {
        present = List.copyOf(present);
        missing = List.copyOf(missing);
    }

    public Presence presence() {
        if (missing.isEmpty()) {
            return Presence.PRESENT;
        }
        return present.isEmpty() ? Presence.MISSING : Presence.PARTIAL;
    }
}
