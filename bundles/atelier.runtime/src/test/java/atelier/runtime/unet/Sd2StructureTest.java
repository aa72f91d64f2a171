package atelier.runtime.unet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import atelier.runtime.nn.Weights;
import atelier.runtime.testutil.MapTensorSource;
import atelier.runtime.testutil.SafetensorsWriter;
import atelier.runtime.vae.AutoencoderKL;
import atelier.runtime.vae.VaeConfig;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A small model shaped unlike tiny-sd (SD-2 style: linear projections, per-block head counts, upcast attention,
 * F16 weights, legacy VAE attention names), written here, loads and runs; bad checkpoints and configs give
 * errors that name the key, the shapes or the field.
 */
class Sd2StructureTest {
    static final String UNET_CONFIG = "{\n"
            + "  \"_class_name\": \"UNet2DConditionModel\",\n"
            + "  \"act_fn\": \"silu\",\n"
            + "  \"attention_head_dim\": [2, 4],\n"
            + "  \"block_out_channels\": [16, 32],\n"
            + "  \"cross_attention_dim\": 24,\n"
            + "  \"down_block_types\": [\"CrossAttnDownBlock2D\", \"DownBlock2D\"],\n"
            + "  \"up_block_types\": [\"UpBlock2D\", \"CrossAttnUpBlock2D\"],\n"
            + "  \"in_channels\": 4, \"out_channels\": 4, \"layers_per_block\": 1,\n"
            + "  \"norm_num_groups\": 8, \"norm_eps\": 1e-05,\n"
            + "  \"use_linear_projection\": true, \"upcast_attention\": true,\n"
            + "  \"flip_sin_to_cos\": true, \"freq_shift\": 0,\n"
            + "  \"num_attention_heads\": null, \"addition_embed_type\": null, \"class_embed_type\": null,\n"
            + "  \"resnet_time_scale_shift\": \"default\", \"attention_type\": \"default\",\n"
            + "  \"only_cross_attention\": false, \"dual_cross_attention\": false,\n"
            + "  \"conv_in_kernel\": 3, \"conv_out_kernel\": 3, \"transformer_layers_per_block\": 1,\n"
            + "  \"sample_size\": 16\n"
            + "}";

    static final String VAE_CONFIG = "{\"_class_name\": \"AutoencoderKL\", \"block_out_channels\": [16, 32],"
            + " \"down_block_types\": [\"DownEncoderBlock2D\", \"DownEncoderBlock2D\"],"
            + " \"up_block_types\": [\"UpDecoderBlock2D\", \"UpDecoderBlock2D\"], \"layers_per_block\": 1,"
            + " \"latent_channels\": 4, \"norm_num_groups\": 8, \"scaling_factor\": 0.13025, \"act_fn\": \"silu\"}";

    /** Every tensor the architecture asks for, with small random values. */
    static Map<String, float[]> randomTensors(Map<String, long[]> shapes, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        Map<String, float[]> out = new LinkedHashMap<>();
        shapes.forEach((k, s) -> {
            int n = (int) Arrays.stream(s).reduce(1, (a, b) -> a * b);
            float[] v = new float[n];
            boolean gain = s.length == 1 && k.endsWith("weight");
            for (int i = 0; i < n; i++) {
                v[i] = (float) ((gain ? 1 : 0) + 0.1 * (r.nextDouble() * 2 - 1));
            }
            out.put(k, v);
        });
        return out;
    }

    static Map<String, long[]> unetShapes(UNetConfig c) {
        Map<String, long[]> shapes = new LinkedHashMap<>();
        try (NDManager m = NDManager.newBaseManager()) {
            UNet2DConditionModel.create(c, Weights.random(m.newSubManager(), 1, shapes::put)).close();
        }
        return shapes;
    }

    @Test
    void sd2StyleUNetLoadsFromF16AndRuns(@TempDir Path dir) throws Exception {
        UNetConfig c = UNetConfig.parse(UNET_CONFIG);
        assertTrue(c.useLinearProjection());
        assertArrayEquals(new int[] {2, 4}, c.headsPerBlock());
        Map<String, long[]> shapes = unetShapes(c);
        assertArrayEquals(new long[] {16, 16}, shapes.get("down_blocks.0.attentions.0.proj_in.weight"));
        assertArrayEquals(new long[] {16, 24}, shapes.get("down_blocks.0.attentions.0.transformer_blocks.0.attn2.to_k"
                + ".weight"));
        SafetensorsWriter w = new SafetensorsWriter();
        randomTensors(shapes, 3).forEach((k, v) -> w.put(k, shapes.get(k), v));
        Path unetDir = Files.createDirectories(dir.resolve("unet"));
        Files.writeString(unetDir.resolve("config.json"), UNET_CONFIG, StandardCharsets.UTF_8);
        w.write(unetDir.resolve("diffusion_pytorch_model.fp16.safetensors"), true);

        try (NDManager m = NDManager.newBaseManager();
                UNet2DConditionModel unet = UNet2DConditionModel.load(unetDir, m)) {
            assertEquals(c, unet.config());
            assertTrue(unet.attentionPaths().contains("up_blocks.1.attentions.1.transformer_blocks.0.attn2"));
            m.getEngine().setRandomSeed(5);
            NDArray sample = m.randomNormal(new Shape(2, 4, 12, 8));
            NDArray ctx = m.randomNormal(new Shape(2, 7, 24));
            NDArray out = unet.forward(sample, m.create(new float[] {10f, 700f}), ctx);
            assertEquals(new Shape(2, 4, 12, 8), out.getShape());
            assertTrue(Float.isFinite(out.abs().sum().getFloat()));
            assertTrue(out.abs().max().getFloat() > 0f);
            // heads are split as the per-block list says: 2 heads of 8 channels at level 0
            unet.forward(sample, m.create(3L), ctx, atelier.api.hooks.HookSet.empty().attention(
                    "down_blocks.0.attentions.0.transformer_blocks.0.attn1", call -> assertEquals(2, call.heads())),
                    null);
        }
    }

    @Test
    void legacyVaeAttentionNamesGiveTheSameNetwork(@TempDir Path dir) throws Exception {
        VaeConfig c = VaeConfig.parse(VAE_CONFIG);
        Map<String, long[]> shapes = new LinkedHashMap<>();
        try (NDManager m = NDManager.newBaseManager()) {
            AutoencoderKL.create(c, Weights.random(m.newSubManager(), 1, shapes::put)).close();
        }
        Map<String, float[]> values = randomTensors(shapes, 4);
        MapTensorSource modern = new MapTensorSource();
        SafetensorsWriter legacy = new SafetensorsWriter();
        Map<String, String> rename = Map.of("to_q", "query", "to_k", "key", "to_v", "value", "to_out.0", "proj_attn");
        values.forEach((k, v) -> {
            modern.put(k, shapes.get(k), v);
            String name = k;
            long[] shape = shapes.get(k);
            for (Map.Entry<String, String> e : rename.entrySet()) {
                String from = ".attentions.0." + e.getKey() + ".";
                if (k.contains(from)) {
                    name = k.replace(from, ".attentions.0." + e.getValue() + ".");
                    if (k.startsWith("decoder") && shape.length == 2) {
                        shape = new long[] {shape[0], shape[1], 1, 1}; // old LDM conversions: 1×1 conv weights
                    }
                }
            }
            legacy.put(name, shape, v);
        });
        Path vaeDir = Files.createDirectories(dir.resolve("vae"));
        Files.writeString(vaeDir.resolve("config.json"), VAE_CONFIG, StandardCharsets.UTF_8);
        legacy.write(vaeDir.resolve("diffusion_pytorch_model.safetensors"), false);

        try (NDManager m = NDManager.newBaseManager();
                AutoencoderKL a = AutoencoderKL.load(c, modern, m);
                AutoencoderKL b = AutoencoderKL.load(vaeDir, m)) {
            assertEquals(0.13025f, b.scalingFactor(), 1e-7);
            m.getEngine().setRandomSeed(6);
            NDArray image = m.randomUniform(-1f, 1f, new Shape(1, 3, 16, 24));
            AutoencoderKL.Posterior pa = a.encode(image);
            AutoencoderKL.Posterior pb = b.encode(image);
            assertEquals(new Shape(1, 4, 8, 12), pb.mean().getShape());
            assertArrayEquals(pa.mean().toFloatArray(), pb.mean().toFloatArray(), 0f);
            assertArrayEquals(pa.std().toFloatArray(), pb.std().toFloatArray(), 0f);
            NDArray da = a.decode(pa.mean());
            NDArray db = b.decode(pb.mean());
            assertEquals(new Shape(1, 3, 16, 24), db.getShape());
            assertEquals(DataType.FLOAT32, db.getDataType());
            assertArrayEquals(da.toFloatArray(), db.toFloatArray(), 0f);
            assertTrue(Float.isFinite(db.abs().sum().getFloat()));
        }
    }

    @Test
    void missingTensorAndWrongShapeNameTheKeyAndBothShapes() {
        UNetConfig c = UNetConfig.parse(UNET_CONFIG);
        Map<String, long[]> shapes = unetShapes(c);
        Map<String, float[]> values = randomTensors(shapes, 5);
        MapTensorSource src = new MapTensorSource();
        values.forEach((k, v) -> src.put(k, shapes.get(k), v));
        String key = "up_blocks.1.attentions.0.transformer_blocks.0.attn2.to_v.weight";
        try (NDManager m = NDManager.newBaseManager()) {
            src.remove(key);
            IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                    () -> UNet2DConditionModel.load(c, src, m));
            assertTrue(missing.getMessage().contains("'" + key + "'") && missing.getMessage().contains("missing"),
                    missing.getMessage());
            src.put(key, new long[] {16, 32}, new float[16 * 32]);
            IllegalArgumentException wrong = assertThrows(IllegalArgumentException.class,
                    () -> UNet2DConditionModel.load(c, src, m));
            assertTrue(wrong.getMessage().contains("'" + key + "'") && wrong.getMessage().contains("[16, 32]")
                    && wrong.getMessage().contains("[16, 24]"), wrong.getMessage());
            assertEquals(0, m.getManagedArrays().size(), "a failed load frees what it loaded");
        }
    }

    @Test
    void unsupportedConfigValuesNameTheField() {
        String[][] cases = {
            {"\"addition_embed_type\": null", "\"addition_embed_type\": \"text_time\"", "addition_embed_type"},
            {"\"class_embed_type\": null", "\"class_embed_type\": \"timestep\"", "class_embed_type"},
            {"\"resnet_time_scale_shift\": \"default\"", "\"resnet_time_scale_shift\": \"scale_shift\"",
                "resnet_time_scale_shift"},
            {"\"only_cross_attention\": false", "\"only_cross_attention\": true", "only_cross_attention"},
            {"\"dual_cross_attention\": false", "\"dual_cross_attention\": true", "dual_cross_attention"},
            {"\"conv_in_kernel\": 3", "\"conv_in_kernel\": 7", "conv_in_kernel"},
            {"\"attention_type\": \"default\"", "\"attention_type\": \"gated\"", "attention_type"},
            {"\"DownBlock2D\"]", "\"SimpleCrossAttnDownBlock2D\"]", "down_block_types"},
            {"\"sample_size\": 16", "\"sample_size\": 16, \"time_cond_proj_dim\": 256", "time_cond_proj_dim"},
            {"\"sample_size\": 16", "\"sample_size\": 16, \"encoder_hid_dim\": 1024", "encoder_hid_dim"},
            {"\"sample_size\": 16", "\"sample_size\": 16, \"mid_block_type\": null", "mid_block_type"},
            {"\"sample_size\": 16", "\"sample_size\": 16, \"mid_block_type\": \"UNetMidBlock2DSimpleCrossAttn\"",
                "mid_block_type"},
        };
        for (String[] c : cases) {
            String json = UNET_CONFIG.replace(c[0], c[1]);
            assertTrue(!json.equals(UNET_CONFIG), c[0]);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> UNetConfig.parse(json),
                    c[2]);
            assertTrue(e.getMessage().contains(c[2]), e.getMessage());
        }
        IllegalArgumentException v = assertThrows(IllegalArgumentException.class,
                () -> VaeConfig.parse(VAE_CONFIG.replace("\"silu\"", "\"gelu\"")));
        assertTrue(v.getMessage().contains("act_fn") && v.getMessage().contains("gelu"), v.getMessage());
    }

    @Test
    void presetsMatchTheDiffusersConfigs() {
        UNetConfig sd15 = UNetConfig.sd15();
        assertArrayEquals(new int[] {8, 8, 8, 8}, sd15.headsPerBlock());
        assertEquals(768, sd15.crossAttentionDim());
        UNetConfig sd21 = UNetConfig.sd21base();
        assertTrue(sd21.useLinearProjection());
        assertArrayEquals(new int[] {5, 10, 20, 20}, sd21.headsPerBlock());
        assertEquals(1024, sd21.crossAttentionDim());
        String sd21Json = "{\"act_fn\": \"silu\", \"attention_head_dim\": [5, 10, 20, 20], \"block_out_channels\":"
                + " [320, 640, 1280, 1280], \"center_input_sample\": false, \"cross_attention_dim\": 1024,"
                + " \"down_block_types\": [\"CrossAttnDownBlock2D\", \"CrossAttnDownBlock2D\", \"CrossAttnDownBlock2D\","
                + " \"DownBlock2D\"], \"downsample_padding\": 1, \"dual_cross_attention\": false,"
                + " \"flip_sin_to_cos\": true, \"freq_shift\": 0, \"in_channels\": 4, \"layers_per_block\": 2,"
                + " \"mid_block_scale_factor\": 1, \"norm_eps\": 1e-05, \"norm_num_groups\": 32,"
                + " \"num_class_embeds\": null, \"only_cross_attention\": false, \"out_channels\": 4,"
                + " \"sample_size\": 96, \"up_block_types\": [\"UpBlock2D\", \"CrossAttnUpBlock2D\","
                + " \"CrossAttnUpBlock2D\", \"CrossAttnUpBlock2D\"], \"upcast_attention\": false,"
                + " \"use_linear_projection\": true}";
        UNetConfig parsed = UNetConfig.parse(sd21Json);
        assertEquals(sd21.toString().replace("upcast=false", "x"), parsed.toString().replace("upcast=false", "x"));
    }
}
