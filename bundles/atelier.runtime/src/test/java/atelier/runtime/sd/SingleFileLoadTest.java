package atelier.runtime.sd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import atelier.runtime.verify.GoldenManifest;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** tiny-sd written as one LDM checkpoint loads into the same networks as the diffusers folder. */
class SingleFileLoadTest {
    static NDManager root;
    static StableDiffusionModel folder;
    static GoldenManifest golden;

    @TempDir
    Path tmp;

    @BeforeAll
    static void load() throws Exception {
        root = NDManager.newBaseManager();
        folder = StableDiffusionModel.load(TestModels.tinySd(), root);
        golden = GoldenManifest.load(TestModels.golden());
    }

    @AfterAll
    static void close() {
        folder.close();
        golden.close();
        root.close();
    }

    @Test
    void loadsAndComputesWhatTheFolderComputes() throws Exception {
        Path file = tmp.resolve("tiny-ldm.safetensors");
        LdmCheckpointWriter.fromDiffusers(TestModels.tinySd()).write(file);
        try (StableDiffusionModel single = StableDiffusionModel.loadSingleFile(file, TestModels.tinySd(), root);
                NDManager m = root.newSubManager()) {
            NDArray sample = golden.tensor("in.unet_b2_32x48_t261_sample", m);
            NDArray t = golden.tensor("in.unet_b2_32x48_t261_timestep", m);
            NDArray ctx = golden.tensor("in.unet_b2_32x48_t261_context", m);
            NDArray a = single.unet().forward(sample, t, ctx);
            NDArray b = folder.unet().forward(sample, t, ctx);
            assertEquals(0f, a.sub(b).abs().max().getFloat(), 1e-6f);
            NDArray ref = golden.tensor("out.unet_b2_32x48_t261_out", m);
            assertTrue(a.sub(ref).abs().max().getFloat() < 3e-5);

            NDArray e1 = single.encodePrompt("a photograph of an astronaut riding a horse", m);
            NDArray e2 = folder.encodePrompt("a photograph of an astronaut riding a horse", m);
            assertEquals(0f, e1.sub(e2).abs().max().getFloat(), 1e-6f);

            NDArray z = golden.tensor("out.vae_image_64x64_mean", m);
            NDArray d1 = single.vae().decode(z);
            NDArray d2 = folder.vae().decode(z);
            assertEquals(0f, d1.sub(d2).abs().max().getFloat(), 1e-6f, "VAE attention 1x1 convs were reshaped");
            assertEquals(folder.schedulerConfig().predictionType(), single.schedulerConfig().predictionType());
        }
    }

    @Test
    void sd2OpenClipTextEncoderWithFusedProjectionsLoads() throws Exception {
        Path file = tmp.resolve("tiny-sd2-ldm.safetensors");
        LdmCheckpointWriter.fromDiffusers(TestModels.tinySd(), true).write(file);
        try (StableDiffusionModel single = StableDiffusionModel.loadSingleFile(file, TestModels.tinySd(), root);
                NDManager m = root.newSubManager()) {
            NDArray e1 = single.encodePrompt("Hello, world! It's 3:45pm", m);
            NDArray e2 = folder.encodePrompt("Hello, world! It's 3:45pm", m);
            assertEquals(0f, e1.sub(e2).abs().max().getFloat(), 1e-6f);
        }
    }

    @Test
    void missingTensorIsNamed() throws Exception {
        LdmCheckpointWriter w = LdmCheckpointWriter.fromDiffusers(TestModels.tinySd());
        String gone = "model.diffusion_model.input_blocks.1.0.in_layers.0.weight";
        assertTrue(w.tensors.remove(gone) != null);
        Path file = tmp.resolve("missing.safetensors");
        w.write(file);
        Exception e = assertThrows(Exception.class,
                () -> StableDiffusionModel.loadSingleFile(file, TestModels.tinySd(), root).close());
        assertTrue(e.getMessage().contains("down_blocks.0.resnets.0.norm1.weight"), e.getMessage());
        assertTrue(e.getMessage().contains(gone), e.getMessage());
    }

    @Test
    void wrongShapeIsNamedWithBothShapes() throws Exception {
        LdmCheckpointWriter w = LdmCheckpointWriter.fromDiffusers(TestModels.tinySd());
        String key = "model.diffusion_model.input_blocks.0.0.weight";
        LdmCheckpointWriter.Tensor t = w.tensors.get(key);
        w.tensors.put(key, new LdmCheckpointWriter.Tensor(new long[] {32, 4, 9, 1}, t.data()));
        Path file = tmp.resolve("shape.safetensors");
        w.write(file);
        Exception e = assertThrows(Exception.class,
                () -> StableDiffusionModel.loadSingleFile(file, TestModels.tinySd(), root).close());
        assertTrue(e.getMessage().contains("conv_in.weight"), e.getMessage());
        assertTrue(e.getMessage().contains("[32, 4, 9, 1]") && e.getMessage().contains("[32, 4, 3, 3]"),
                e.getMessage());
        assertTrue(e.getMessage().contains(key), e.getMessage());
    }

    @Test
    void presetsRefuseAnArchitectureThatDoesNotFitAndSayWhichTensor() throws Exception {
        Path file = tmp.resolve("model.safetensors");
        LdmCheckpointWriter.fromDiffusers(TestModels.tinySd()).write(file);
        Exception noTok = assertThrows(Exception.class, () -> StableDiffusionModel.load(file, root).close());
        assertTrue(noTok.getMessage().contains("vocab.json") && noTok.getMessage().contains("clip-tokenizer"),
                noTok.getMessage());
        Path tok = Files.createDirectories(tmp.resolve("tokenizer"));
        for (String f : new String[] {"vocab.json", "merges.txt"}) {
            Files.copy(TestModels.tinySd().resolve("tokenizer").resolve(f), tok.resolve(f));
        }
        Exception e = assertThrows(Exception.class, () -> StableDiffusionModel.load(file, root).close());
        assertTrue(e.getMessage().contains("shape") && e.getMessage().contains("checkpoint key"), e.getMessage());
    }

    @Test
    void otherFamiliesAndFormatsAreRefusedClearly() throws Exception {
        LdmCheckpointWriter w = LdmCheckpointWriter.fromDiffusers(TestModels.tinySd());
        w.tensors.put("conditioner.embedders.0.transformer.text_model.final_layer_norm.weight",
                new LdmCheckpointWriter.Tensor(new long[] {1}, new byte[4]));
        Path xl = tmp.resolve("xl.safetensors");
        w.write(xl);
        Exception e = assertThrows(Exception.class, () -> StableDiffusionModel.load(xl, root).close());
        assertTrue(e.getMessage().contains("SDXL") && e.getMessage().contains("not supported yet"), e.getMessage());

        Path ckpt = Files.writeString(tmp.resolve("old.ckpt"), "not really");
        e = assertThrows(Exception.class, () -> StableDiffusionModel.load(ckpt, root).close());
        assertTrue(e.getMessage().contains(".safetensors"), e.getMessage());

        Path dir = Files.createDirectories(tmp.resolve("xl-folder"));
        Files.writeString(dir.resolve("model_index.json"), "{\"_class_name\":\"StableDiffusionXLPipeline\"}");
        e = assertThrows(Exception.class, () -> StableDiffusionModel.load(dir, root).close());
        assertTrue(e.getMessage().contains("StableDiffusionXLPipeline") && e.getMessage().contains("not supported yet"),
                e.getMessage());

        Path odd = Files.createDirectories(tmp.resolve("odd-folder"));
        Files.writeString(odd.resolve("model_index.json"), "{\"_class_name\":\"StableDiffusionPipeline\","
                + "\"unet\":[\"diffusers\",\"UNet2DConditionModel\"],\"vae\":[\"diffusers\",\"AutoencoderTiny\"],"
                + "\"text_encoder\":[\"transformers\",\"CLIPTextModel\"],"
                + "\"tokenizer\":[\"transformers\",\"CLIPTokenizer\"],"
                + "\"scheduler\":[\"diffusers\",\"DDIMScheduler\"]}");
        e = assertThrows(Exception.class, () -> StableDiffusionModel.load(odd, root).close());
        assertTrue(e.getMessage().contains("AutoencoderTiny") && e.getMessage().contains("vae"), e.getMessage());
    }
}
