package atelier.runtime.sd.convert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

import atelier.runtime.io.SafetensorsFile;

import com.google.gson.JsonParser;

import org.junit.jupiter.api.Test;

class LdmMappingTest {
    static Path tiny() {
        return Path.of(System.getProperty("atelier.shared", "../../../shared")).resolve("models/tiny-sd");
    }

    /** Names as they appear in the released SD 1.5 LDM checkpoint and in diffusers' converted folder. */
    @Test
    void knownSd15NamesTranslateBothWays() {
        LdmUnetMapping unet = new LdmUnetMapping(UNetLayout.sd());
        String[][] pairs = {
            {"input_blocks.0.0.weight", "conv_in.weight"},
            {"time_embed.2.bias", "time_embedding.linear_2.bias"},
            {"input_blocks.1.1.transformer_blocks.0.attn1.to_q.weight",
                "down_blocks.0.attentions.0.transformer_blocks.0.attn1.to_q.weight"},
            {"input_blocks.2.0.in_layers.0.weight", "down_blocks.0.resnets.1.norm1.weight"},
            {"input_blocks.3.0.op.weight", "down_blocks.0.downsamplers.0.conv.weight"},
            {"input_blocks.4.0.skip_connection.weight", "down_blocks.1.resnets.0.conv_shortcut.weight"},
            {"input_blocks.9.0.op.bias", "down_blocks.2.downsamplers.0.conv.bias"},
            {"input_blocks.11.0.in_layers.2.weight", "down_blocks.3.resnets.1.conv1.weight"},
            {"middle_block.1.proj_in.weight", "mid_block.attentions.0.proj_in.weight"},
            {"middle_block.2.emb_layers.1.weight", "mid_block.resnets.1.time_emb_proj.weight"},
            {"output_blocks.2.1.conv.weight", "up_blocks.0.upsamplers.0.conv.weight"},
            {"output_blocks.3.1.norm.weight", "up_blocks.1.attentions.0.norm.weight"},
            {"output_blocks.4.0.out_layers.3.weight", "up_blocks.1.resnets.1.conv2.weight"},
            {"output_blocks.5.2.conv.weight", "up_blocks.1.upsamplers.0.conv.weight"},
            {"output_blocks.8.2.conv.bias", "up_blocks.2.upsamplers.0.conv.bias"},
            {"output_blocks.11.1.proj_out.weight", "up_blocks.3.attentions.2.proj_out.weight"},
            {"out.0.weight", "conv_norm_out.weight"},
            {"out.2.weight", "conv_out.weight"},
        };
        for (String[] p : pairs) {
            assertEquals("model.diffusion_model." + p[0], unet.toSource(p[1]), p[1]);
            assertEquals(p[1], unet.toTarget("model.diffusion_model." + p[0]), p[0]);
        }
        assertNull(unet.toSource("up_blocks.3.upsamplers.0.conv.weight"), "the last up block has no upsampler");
        assertNull(unet.toSource("down_blocks.3.attentions.0.norm.weight"), "DownBlock2D has no attention");
        assertNull(unet.toTarget("model_ema.decay"));

        LdmVaeMapping vae = new LdmVaeMapping(4);
        String[][] vpairs = {
            {"decoder.up.3.block.0.conv1.weight", "decoder.up_blocks.0.resnets.0.conv1.weight"},
            {"decoder.up.1.upsample.conv.weight", "decoder.up_blocks.2.upsamplers.0.conv.weight"},
            {"decoder.up.0.block.2.norm2.bias", "decoder.up_blocks.3.resnets.2.norm2.bias"},
            {"encoder.down.1.block.0.nin_shortcut.weight", "encoder.down_blocks.1.resnets.0.conv_shortcut.weight"},
            {"encoder.down.2.downsample.conv.bias", "encoder.down_blocks.2.downsamplers.0.conv.bias"},
            {"encoder.mid.attn_1.proj_out.weight", "encoder.mid_block.attentions.0.to_out.0.weight"},
            {"encoder.mid.attn_1.norm.bias", "encoder.mid_block.attentions.0.group_norm.bias"},
            {"decoder.mid.block_2.conv1.weight", "decoder.mid_block.resnets.1.conv1.weight"},
            {"decoder.norm_out.bias", "decoder.conv_norm_out.bias"},
            {"post_quant_conv.weight", "post_quant_conv.weight"},
        };
        for (String[] p : vpairs) {
            assertEquals("first_stage_model." + p[0], vae.toSource(p[1]), p[1]);
            assertEquals(p[1], vae.toTarget("first_stage_model." + p[0]), p[0]);
        }
        assertEquals(2, vae.targetShape("decoder.mid_block.attentions.0.to_q.weight",
                new long[] {512, 512, 1, 1}).length);

        LdmClipMapping clip = new LdmClipMapping(true);
        assertEquals("cond_stage_model.transformer.text_model.encoder.layers.11.mlp.fc2.weight",
                clip.toSource("text_model.encoder.layers.11.mlp.fc2.weight"));
        assertEquals("cond_stage_model.transformer.embeddings.position_embedding.weight",
                new LdmClipMapping(false).toSource("text_model.embeddings.position_embedding.weight"));
    }

    @Test
    void openClipNamesAndFusedProjections() {
        LdmOpenClipMapping m = new LdmOpenClipMapping();
        String p = "cond_stage_model.model.";
        assertEquals(p + "transformer.resblocks.22.attn.in_proj_weight",
                m.toSource("text_model.encoder.layers.22.self_attn.k_proj.weight"));
        assertEquals(1, m.rowBlock("text_model.encoder.layers.22.self_attn.k_proj.weight")[0]);
        assertEquals(2, m.rowBlock("text_model.encoder.layers.0.self_attn.v_proj.bias")[0]);
        assertNull(m.rowBlock("text_model.encoder.layers.0.self_attn.out_proj.bias"));
        assertEquals(3, m.toTargets(p + "transformer.resblocks.3.attn.in_proj_bias").size());
        assertEquals("text_model.encoder.layers.3.mlp.fc2.weight",
                m.toTarget(p + "transformer.resblocks.3.mlp.c_proj.weight"));
        assertEquals("text_model.encoder.layers.3.layer_norm1.bias",
                m.toTarget(p + "transformer.resblocks.3.ln_1.bias"));
        assertEquals(p + "positional_embedding", m.toSource("text_model.embeddings.position_embedding.weight"));
        assertEquals(p + "ln_final.weight", m.toSource("text_model.final_layer_norm.weight"));
        assertNull(m.toTarget(p + "text_projection"));
        assertNull(m.toTarget(p + "logit_scale"));
    }

    /** Every tensor of the tiny model maps to a distinct LDM key and back. */
    @Test
    void tinyModelRoundTrips() throws Exception {
        UNetLayout layout = UNetLayout.fromConfig(JsonParser.parseString(
                Files.readString(tiny().resolve("unet/config.json"))).getAsJsonObject());
        roundTrip(new LdmUnetMapping(layout), tiny().resolve("unet/diffusion_pytorch_model.safetensors"));
        roundTrip(new LdmVaeMapping(2), tiny().resolve("vae/diffusion_pytorch_model.safetensors"));
        roundTrip(new LdmClipMapping(true), tiny().resolve("text_encoder/model.safetensors"));
    }

    private static void roundTrip(KeyMapping m, Path file) throws Exception {
        Set<String> seen = new HashSet<>();
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            for (String k : f.keys()) {
                String s = m.toSource(k);
                assertNotNull(s, "no LDM name for " + k);
                assertTrue(seen.add(s), "two tensors map to " + s);
                assertEquals(k, m.toTarget(s), "round trip of " + k + " via " + s);
            }
        }
    }
}
