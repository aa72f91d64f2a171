package atelier.host.models;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Recomputes the SHA-256 of a model's files on disk and compares it with the registry's fixed digest, or with
 * the digest recorded in the folder's {@link Manifest} when the file was pulled (always so for a non-default
 * variant). Digests are cached by size and modification time ({@link DigestCache}); pass {@code fresh} to
 * hash everything again.
 */
public final class ModelVerifier {
    private final ModelStore store;

    public ModelVerifier(ModelStore store) {
        this.store = Objects.requireNonNull(store);
    }

    /** One check per file of {@code entry}, in registry order. */
    public List<FileCheck> verify(ModelEntry entry, boolean fresh) {
        Manifest manifest = store.manifest(entry);
        List<FileCheck> out = new ArrayList<>();
        for (ModelFile f : entry.files()) {
            out.add(check(entry, f, manifest, fresh));
        }
        return out;
    }

    /** {@link #verify(ModelEntry, boolean)} using cached digests of unchanged files. */
    public List<FileCheck> verify(ModelEntry entry) {
        return verify(entry, false);
    }

    private FileCheck check(ModelEntry entry, ModelFile f, Manifest manifest, boolean fresh) {
        Path p = store.target(entry, f);
        Optional<Manifest.FileRecord> rec = manifest.get(f.path());
        String expected;
        String source;
        if (rec.isPresent() && rec.get().variant() != null) {
            expected = rec.get().sha256();
            source = "manifest (" + rec.get().variant() + " form)";
        } else if (f.sha256() != null) {
            expected = f.sha256();
            source = "registry";
        } else if (rec.isPresent()) {
            expected = rec.get().sha256();
            source = "manifest";
        } else {
            expected = null;
            source = "no recorded digest";
        }
        if (!Files.isRegularFile(p)) {
            return new FileCheck(entry.name(), f.path(), p, FileCheck.Status.MISSING, expected, null, source);
        }
        String actual;
        try {
            actual = fresh ? Digests.sha256(p) : store.digests().sha256(p);
            if (fresh) {
                store.digests().put(p, actual);
            }
        } catch (IOException e) {
            return new FileCheck(entry.name(), f.path(), p, FileCheck.Status.MISMATCH, expected, null,
                    "unreadable: " + e);
        }
        if (expected == null) {
            return new FileCheck(entry.name(), f.path(), p, FileCheck.Status.UNCHECKED, null, actual, source);
        }
        return new FileCheck(entry.name(), f.path(), p,
                expected.equals(actual) ? FileCheck.Status.OK : FileCheck.Status.MISMATCH, expected, actual, source);
    }
}
