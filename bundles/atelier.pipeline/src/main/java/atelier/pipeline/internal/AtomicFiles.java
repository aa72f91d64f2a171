package atelier.pipeline.internal;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Moves a finished temporary file into place without ever replacing an existing file. */
final class AtomicFiles {
    private AtomicFiles() { }

    /**
     * Publishes {@code tmp} (same folder) as {@code target}. A hard link is atomic and fails when the target
     * exists; where links are not supported, a plain move (which also refuses an existing target) is used.
     *
     * @throws FileAlreadyExistsException when {@code target} exists
     */
    static void publish(Path tmp, Path target) throws IOException {
        if (Files.exists(target, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            throw new FileAlreadyExistsException(target.toString(), null, "file already exists; not overwritten");
        }
        boolean linked;
        try {
            Files.createLink(target, tmp);
            linked = true;
        } catch (FileAlreadyExistsException e) {
            throw new FileAlreadyExistsException(target.toString(), null, "file already exists; not overwritten");
        } catch (UnsupportedOperationException | IOException e) {
            linked = false;
        }
        if (linked) {
            Files.deleteIfExists(tmp);
        } else {
            Files.move(tmp, target);
        }
    }
}
