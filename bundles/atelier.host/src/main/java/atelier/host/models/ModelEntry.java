package atelier.host.models;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A model the store knows by name: where it comes from (hub repository and revision) and which files make it
 * complete, placed under {@code <store>/<folder>/}. Several entries may share a folder (the TAESD family all
 * live in {@code taesd/}).
 *
 * @param name        the store name, e.g. {@code sd15}
 * @param description one line for listings
 * @param repo        hub repository, e.g. {@code stable-diffusion-v1-5/stable-diffusion-v1-5}
 * @param revision    branch, tag or commit to fetch
 * @param folder      folder under the store root holding the files
 * @param layout      how the files are arranged ({@code diffusers}, or single files)
 * @param supported   whether the runtime can run it; unsupported ones are listed for completeness
 * @param note        a remark for listings and error messages, or {@code null}
 * @param files       the files that make it complete
 */
public record ModelEntry(String name, String description, String repo, String revision, String folder,
                         String layout, boolean supported, String note, List<ModelFile> files) {

    public ModelEntry {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(repo, "repo of " + name);
        Objects.requireNonNull(folder, "folder of " + name);
        revision = revision == null || revision.isBlank() ? "main" : revision;
        description = description == null ? "" : description;
        layout = layout == null ? "" : layout;
        files = List.copyOf(files);
        if (files.isEmpty()) {
            throw new IllegalArgumentException("model '" + name + "' lists no files");
        }
    }

    /** The file with this path, if listed. */
    public Optional<ModelFile> file(String path) {
        return files.stream().filter(f -> f.path().equals(path)).findFirst();
    }

    /** Variant names any of its files is published in (e.g. {@code fp16}). */
    public Set<String> variants() {
        Set<String> out = new LinkedHashSet<>();
        files.forEach(f -> out.addAll(f.variants().keySet()));
        return out;
    }

    /**
     * The main weights file: the UNet's in a diffusers layout, else the first weights file. For a record of
     * which weights produced a result.
     */
    public ModelFile mainWeights() {
        return files.stream().filter(f -> f.path().startsWith("unet/") && f.weights()).findFirst()
                .or(() -> files.stream().filter(ModelFile::weights).findFirst())
                .orElse(files.get(0));
    }
}
