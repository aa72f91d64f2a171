package atelier.host.features;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/** The record of installed features: a text file, one feature name a line, rewritten atomically. */
final class InstalledFeatures {
    private final Path file;

    InstalledFeatures(Path file) {
        this.file = file;
    }

    Path file() { return file; }

    List<String> read() throws FeatureException {
        if (!Files.exists(file)) return List.of();
        try {
            LinkedHashSet<String> names = new LinkedHashSet<>();
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                String name = line.strip();
                if (!name.isEmpty() && !name.startsWith("#")) names.add(name);
            }
            return new ArrayList<>(names);
        } catch (IOException e) {
            throw new FeatureException("cannot read the installed-features record " + file + ": " + e.getMessage(), e);
        }
    }

    void write(List<String> names) throws FeatureException {
        try {
            Path dir = file.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
            StringBuilder text = new StringBuilder("# features installed by the Atelier host, one a line\n");
            names.forEach(n -> text.append(n).append('\n'));
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            try {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new FeatureException("cannot write the installed-features record " + file + ": " + e.getMessage(), e);
        }
    }
}
