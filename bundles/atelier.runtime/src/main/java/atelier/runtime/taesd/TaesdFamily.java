package atelier.runtime.taesd;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The TAESD autoencoders by the latent space they speak, with their model-store names and file names.
 * In a model store they live under {@code <models>/taesd/}: {@code <name>_encoder.safetensors} and
 * {@code <name>_decoder.safetensors}, or for FLUX.2 the single file {@code taef2.safetensors}.
 */
public enum TaesdFamily {
    /** Stable Diffusion 1.x / 2.x (4 channels). */
    SD("taesd", 4),
    /** Stable Diffusion XL (4 channels). */
    SDXL("taesdxl", 4),
    /** Stable Diffusion 3 (16 channels). */
    SD3("taesd3", 16),
    /** FLUX.1 (16 channels). */
    FLUX1("taef1", 16),
    /** FLUX.2 (32 channels, GroupNorm "pool" branches in the low-resolution blocks). */
    FLUX2("taef2", 32);

    /** Folder under the models directory that holds every family's files. */
    public static final String STORE_FOLDER = "taesd";

    private final String storeName;
    private final int latentChannels;

    TaesdFamily(String storeName, int latentChannels) {
        this.storeName = storeName;
        this.latentChannels = latentChannels;
    }

    /** Name in the model store, e.g. {@code taesdxl}. */
    public String storeName() { return storeName; }

    public int latentChannels() { return latentChannels; }

    /** {@code <name>_encoder.safetensors}. */
    public String encoderFileName() { return storeName + "_encoder.safetensors"; }

    /** {@code <name>_decoder.safetensors}. */
    public String decoderFileName() { return storeName + "_decoder.safetensors"; }

    /** {@code <name>.safetensors}: both halves in one file (how TAEF2 ships). */
    public String singleFileName() { return storeName + ".safetensors"; }

    /**
     * Finds a family's weights under {@code <modelsDir>/taesd/}: the single file {@code <name>.safetensors},
     * else the encoder file of a {@code <name>_encoder/_decoder.safetensors} pair, else a diffusers folder
     * {@code <name>/}. The result can be passed to {@link AutoencoderTiny#load}.
     *
     * @throws IllegalArgumentException listing every place looked at when none exists
     */
    public static Path locate(Path modelsDir, TaesdFamily family) {
        Path dir = modelsDir.resolve(STORE_FOLDER);
        List<Path> tried = new ArrayList<>();
        Path single = dir.resolve(family.singleFileName());
        tried.add(single);
        if (Files.isRegularFile(single)) {
            return single;
        }
        Path enc = dir.resolve(family.encoderFileName());
        Path dec = dir.resolve(family.decoderFileName());
        tried.add(enc);
        if (Files.isRegularFile(enc) && Files.isRegularFile(dec)) {
            return enc;
        }
        Path folder = dir.resolve(family.storeName());
        tried.add(folder.resolve("config.json"));
        if (Files.isRegularFile(folder.resolve("config.json"))) {
            return folder;
        }
        throw new IllegalArgumentException("no " + family + " autoencoder (" + family.storeName()
                + ") in " + dir + "; looked for " + tried + (Files.isRegularFile(enc) ? " (found " + enc.getFileName()
                + " but not " + dec.getFileName() + ")" : ""));
    }
}
