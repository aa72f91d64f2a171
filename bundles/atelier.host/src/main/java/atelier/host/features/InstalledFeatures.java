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

/**
 * The record of installed features: a text file, one feature name a line, rewritten atomically. A line
 * {@code !name} marks a feature the user uninstalled, so the host's initial features do not bring it back.
 */
final class InstalledFeatures {
    /** Installed features in install order, and features uninstalled on request. */
    record Content(List<String> installed, List<String> declined) {}

    private final Path file;

    InstalledFeatures(Path file) {
        this.file = file;
    }

    Path file() { return file; }

    Content read() throws FeatureException {
        if (!Files.exists(file)) return new Content(List.of(), List.of());
        try {
            LinkedHashSet<String> names = new LinkedHashSet<>();
            LinkedHashSet<String> declined = new LinkedHashSet<>();
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                String name = line.strip();
                if (name.isEmpty() || name.startsWith("#")) continue;
                if (name.startsWith("!")) declined.add(name.substring(1).strip());
                else names.add(name);
            }
            declined.removeAll(names);
            return new Content(new ArrayList<>(names), new ArrayList<>(declined));
        } catch (IOException e) {
            throw new FeatureException("cannot read the installed-features record " + file + ": " + e.getMessage(), e);
        }
    }

    void write(List<String> names, java.util.Collection<String> declined) throws FeatureException {
        try {
            Path dir = file.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
            StringBuilder text = new StringBuilder("# features installed by the Atelier host, one a line\n");
            names.forEach(n -> text.append(n).append('\n'));
            declined.stream().filter(n -> !names.contains(n)).forEach(n -> text.append('!').append(n).append('\n'));
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
