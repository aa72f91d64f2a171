package atelier.pipeline.internal;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import atelier.api.spi.ModelLocator;

/**
 * The fallback used while no {@link ModelLocator} service is registered. A path (absolute, or containing a
 * separator, or starting with {@code .} or {@code ~}) is used as given (a relative one that does not exist is
 * also tried inside the models folder). A name is looked up in the models folder
 * — {@code $ATELIER_MODELS}, else {@code ~/.atelier/models} — as {@code <name>}, {@code <name>.safetensors},
 * and one folder deeper ({@code <any>/<name>}, {@code <any>/<name>.safetensors},
 * {@code <any>/<name>_encoder.safetensors} for autoencoders stored as an encoder/decoder pair).
 */
public final class DirectoryModelLocator implements ModelLocator {
    /** Environment variable naming the models folder. */
    public static final String ENV = "ATELIER_MODELS";

    private final Path modelsDir;

    public DirectoryModelLocator(Path modelsDir) {
        this.modelsDir = modelsDir;
    }

    /** From {@code $ATELIER_MODELS} (or the system property {@code atelier.models}), else {@code ~/.atelier/models}. */
    public static DirectoryModelLocator fromEnvironment() {
        return new DirectoryModelLocator(defaultModelsDir(System.getenv(), System.getProperty("atelier.models"),
                System.getProperty("user.home")));
    }

    static Path defaultModelsDir(Map<String, String> env, String property, String home) {
        String v = env.get(ENV);
        if (v == null || v.isBlank()) {
            v = property;
        }
        if (v != null && !v.isBlank()) {
            return Path.of(v);
        }
        return Path.of(home, ".atelier", "models");
    }

    public Path modelsDir() { return modelsDir; }

    @Override
    public Path locate(String nameOrPath) throws IOException {
        if (nameOrPath == null || nameOrPath.isBlank()) {
            throw new IOException("no model named: give a model name from the model store or a path");
        }
        String s = nameOrPath.trim();
        if (looksLikePath(s)) {
            Path p = s.startsWith("~") ? Path.of(System.getProperty("user.home") + s.substring(1)) : Path.of(s);
            if (Files.exists(p)) {
                return p;
            }
            if (!p.isAbsolute() && Files.exists(modelsDir.resolve(p))) {
                return modelsDir.resolve(p);
            }
            throw new NoSuchFileException(p.toString(), null, "model file or folder not found (also not under "
                    + modelsDir + ")");
        }
        List<Path> tried = new ArrayList<>();
        for (Path c : candidates(modelsDir, s)) {
            tried.add(c);
            if (Files.exists(c)) {
                return c;
            }
        }
        if (Files.isDirectory(modelsDir)) {
            try (DirectoryStream<Path> dirs = Files.newDirectoryStream(modelsDir, Files::isDirectory)) {
                for (Path d : dirs) {
                    for (Path c : List.of(d.resolve(s), d.resolve(s + ".safetensors"),
                            d.resolve(s + "_encoder.safetensors"))) {
                        if (Files.exists(c)) {
                            return c;
                        }
                    }
                }
            }
        }
        throw new IOException("model '" + s + "' is not installed: looked for " + tried + " and <folder>/" + s
                + "[.safetensors|_encoder.safetensors] one level below " + modelsDir
                + ". Download it and put it in " + modelsDir + " (or point the environment variable " + ENV
                + " at the folder that holds it).");
    }

    private static List<Path> candidates(Path dir, String name) {
        return List.of(dir.resolve(name), dir.resolve(name + ".safetensors"));
    }

    static boolean looksLikePath(String s) {
        return s.contains("/") || s.contains(java.io.File.separator) || s.startsWith(".") || s.startsWith("~")
                || Path.of(s).isAbsolute();
    }
}
