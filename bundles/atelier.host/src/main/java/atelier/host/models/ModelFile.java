package atelier.host.models;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One file of a registered model.
 *
 * @param path     where it lives, relative to the model's folder in the store, and its path in the hub repository
 * @param sha256   the expected SHA-256 (lower-case hex) when fixed by the registry, else {@code null}: then the
 *                 hub's published digest is used at pull time and recorded in the folder's manifest
 * @param size     the expected size in bytes when fixed, else {@code -1}
 * @param weights  whether it holds weights (as opposed to configuration or tokenizer files)
 * @param variants other published forms of the same file, by variant name (e.g. {@code fp16} →
 *                 {@code unet/diffusion_pytorch_model.fp16.safetensors}); a variant is stored under {@link #path}
 */
public record ModelFile(String path, String sha256, long size, boolean weights, Map<String, String> variants) {

    public ModelFile {
        Objects.requireNonNull(path, "path");
        if (path.isBlank() || path.startsWith("/") || path.contains("\\") || path.contains("..")) {
            throw new IllegalArgumentException("model file path must be relative and plain: '" + path + "'");
        }
        if (sha256 != null && !Digests.isSha256(sha256)) {
            throw new IllegalArgumentException("not a SHA-256 for " + path + ": '" + sha256 + "'");
        }
        sha256 = sha256 == null ? null : sha256.toLowerCase(java.util.Locale.ROOT);
        variants = variants == null ? Map.of() : Map.copyOf(variants);
    }

    /** A file with nothing fixed but its path. */
    public static ModelFile of(String path) {
        return new ModelFile(path, null, -1, false, Map.of());
    }

    /** The file's path in the hub repository for {@code variant} ({@code null} or unknown variant: {@link #path}). */
    public String hubPath(String variant) {
        if (variant == null || variant.isEmpty()) {
            return path;
        }
        return variants.getOrDefault(variant, path);
    }

    /** The SHA-256 the registry fixes for the default form, if any. */
    public Optional<String> knownSha256() {
        return Optional.ofNullable(sha256);
    }
}
