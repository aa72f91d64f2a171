package atelier.runtime.sd;

import java.nio.file.Path;

/** Where tests find the shared models and reference outputs. */
final class TestModels {
    private TestModels() { }

    static Path shared() {
        return Path.of(System.getProperty("atelier.shared", "../../../shared"));
    }

    static Path tinySd() { return shared().resolve("models/tiny-sd"); }

    static Path golden() { return shared().resolve("oracle/golden/tiny-sd/golden.json"); }
}
