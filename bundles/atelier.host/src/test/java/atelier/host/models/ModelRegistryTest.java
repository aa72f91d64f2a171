package atelier.host.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringReader;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

class ModelRegistryTest {
    private final ModelRegistry reg = ModelRegistry.builtIn();

    @Test
    void knowsTheAdvertisedNames() {
        assertEquals(List.of("taesd", "taesdxl", "taesd3", "taef1", "taef2", "sd15", "sd21-base", "sdxl-base"),
                reg.names());
    }

    @Test
    void theTaesdFamilySharesOneFolderWithPinnedDigests() {
        for (String n : List.of("taesd", "taesdxl", "taesd3", "taef1", "taef2")) {
            ModelEntry e = reg.find(n).orElseThrow();
            assertEquals("taesd", e.folder(), n);
            assertEquals("madebyollin/" + n, e.repo());
            assertTrue(e.files().stream().allMatch(f -> f.sha256() != null && f.size() > 0), n);
        }
        assertEquals(List.of("taef2.safetensors"),
                reg.find("taef2").orElseThrow().files().stream().map(ModelFile::path).toList());
    }

    @Test
    void stableDiffusionEntriesUseTheDiffusersLayoutWithAnFp16Variant() {
        ModelEntry sd15 = reg.find("sd15").orElseThrow();
        assertEquals("stable-diffusion-v1-5/stable-diffusion-v1-5", sd15.repo());
        Set<String> paths = Set.copyOf(sd15.files().stream().map(ModelFile::path).toList());
        assertTrue(paths.containsAll(Set.of("model_index.json", "scheduler/scheduler_config.json",
                "text_encoder/config.json", "text_encoder/model.safetensors", "tokenizer/vocab.json",
                "tokenizer/merges.txt", "tokenizer/special_tokens_map.json", "tokenizer/tokenizer_config.json",
                "unet/config.json", "unet/diffusion_pytorch_model.safetensors", "vae/config.json",
                "vae/diffusion_pytorch_model.safetensors")), paths.toString());
        assertEquals("unet/diffusion_pytorch_model.fp16.safetensors",
                sd15.file("unet/diffusion_pytorch_model.safetensors").orElseThrow().hubPath("fp16"));
        assertEquals("unet/diffusion_pytorch_model.safetensors", sd15.mainWeights().path());
        assertEquals("stabilityai/stable-diffusion-2-1-base", reg.find("sd21-base").orElseThrow().repo());
        ModelEntry xl = reg.find("sdxl-base").orElseThrow();
        assertFalse(xl.supported());
        assertTrue(xl.file("text_encoder_2/model.safetensors").isPresent());
        assertTrue(reg.find("sd15").orElseThrow().supported());
    }

    @Test
    void unknownNamesAndBadDocumentsAreReportedClearly() {
        ModelStoreException e = assertThrows(ModelStoreException.class, () -> reg.require("sd99"));
        assertEquals(ModelStoreException.Kind.UNKNOWN_MODEL, e.kind());
        assertTrue(e.getMessage().contains("sd99") && e.getMessage().contains("sd15"), e.getMessage());

        IOException bad = assertThrows(IOException.class, () -> ModelRegistry.read(new StringReader(
                "{\"models\":[{\"name\":\"x\",\"repo\":\"a/b\",\"folder\":\"x\",\"files\":[{\"path\":\"../evil\"}]}]}")));
        assertTrue(bad.getMessage().contains("'x'") && bad.getMessage().contains("../evil"), bad.getMessage());
        IOException sha = assertThrows(IOException.class, () -> ModelRegistry.read(new StringReader(
                "{\"models\":[{\"name\":\"x\",\"repo\":\"a/b\",\"folder\":\"x\",\"files\":[{\"path\":\"w\",\"sha256\":\"12\"}]}]}")));
        assertTrue(sha.getMessage().contains("SHA-256"), sha.getMessage());
        assertThrows(IOException.class, () -> ModelRegistry.read(new StringReader("{not json")));
    }
}
