package atelier.host.models;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** A small fake model in diffusers layout, hosted by a {@link FakeHub}, and a store/registry that knows it. */
final class TinyModel {
    static final String REPO = "test-org/tiny-model";
    static final String UNET = "unet/diffusion_pytorch_model.safetensors";
    static final String UNET_FP16 = "unet/diffusion_pytorch_model.fp16.safetensors";

    final byte[] index = "{\"_class_name\": \"StableDiffusionPipeline\"}\n".getBytes(StandardCharsets.UTF_8);
    final byte[] unetConfig = "{\"sample_size\": 8}\n".getBytes(StandardCharsets.UTF_8);
    final byte[] unet = random(3_000_000, 1);
    final byte[] unetFp16 = random(1_500_000, 2);

    static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    ModelEntry entry() {
        return entry(null);
    }

    /** The registry entry; {@code fixedUnetSha} pins the UNet's SHA-256 as the registry does for TAESD. */
    ModelEntry entry(String fixedUnetSha) {
        return new ModelEntry("tiny", "a tiny fake model", REPO, "main", "tiny", "diffusers", true, null, List.of(
                ModelFile.of("model_index.json"),
                ModelFile.of("unet/config.json"),
                new ModelFile(UNET, fixedUnetSha, -1, true, Map.of("fp16", UNET_FP16))));
    }

    FakeHub host(FakeHub hub) {
        return hub.git("model_index.json", index).git("unet/config.json", unetConfig)
                .lfs(UNET, unet).lfs(UNET_FP16, unetFp16);
    }

    ModelStore store(Path root, String hubBase) {
        return store(root, hubBase, entry());
    }

    static ModelStore store(Path root, String hubBase, ModelEntry entry) {
        return new ModelStore(root, ModelRegistry.of(List.of(entry)), new HubConfig(hubBase, null));
    }
}
