package atelier.strategy.latentstats.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

import atelier.api.spi.RunContext;
import atelier.runtime.taesd.TaesdFamily;

/**
 * Turns what the model store returns for an autoencoder name into something {@code AutoencoderTiny.load}
 * accepts. A file (single file, either half of a pair) or a diffusers folder is used as is; a folder that
 * holds the TAESD files of several families (such as {@code <models>/taesd}) is searched for the chosen family.
 */
final class AutoencoderWeights {
    private AutoencoderWeights() { }

    static Path resolve(RunContext ctx, String name, String familyName) throws IOException {
        Path p = ctx.model(name);
        if (!Files.isDirectory(p) || Files.isRegularFile(p.resolve("config.json"))) {
            return p;
        }
        TaesdFamily family = family(familyName);
        for (Path dir : List.of(p, p.resolve(TaesdFamily.STORE_FOLDER))) {
            Path single = dir.resolve(family.singleFileName());
            if (Files.isRegularFile(single)) {
                return single;
            }
            Path encoder = dir.resolve(family.encoderFileName());
            if (Files.isRegularFile(encoder) && Files.isRegularFile(dir.resolve(family.decoderFileName()))) {
                return encoder;
            }
            if (Files.isRegularFile(dir.resolve(family.storeName()).resolve("config.json"))) {
                return dir.resolve(family.storeName());
            }
        }
        throw new NoSuchFileException(p.toString(), null, "folder holds no " + family.storeName()
                + " autoencoder: expected " + family.singleFileName() + ", or " + family.encoderFileName() + " with "
                + family.decoderFileName() + ", or a diffusers folder " + family.storeName() + "/");
    }

    static TaesdFamily family(String storeName) {
        for (TaesdFamily f : TaesdFamily.values()) {
            if (f.storeName().equals(storeName)) {
                return f;
            }
        }
        throw new IllegalArgumentException("unknown autoencoder '" + storeName + "'");
    }
}
