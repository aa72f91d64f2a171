package atelier.runtime.sd;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;

import atelier.runtime.io.SafetensorsFile;
import atelier.runtime.sd.convert.KeyMapping;
import atelier.runtime.sd.convert.LdmClipMapping;
import atelier.runtime.sd.convert.LdmOpenClipMapping;
import atelier.runtime.sd.convert.LdmUnetMapping;
import atelier.runtime.sd.convert.LdmVaeMapping;
import atelier.runtime.sd.convert.UNetLayout;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

/**
 * Test helper: writes a diffusers folder's weights as one LDM-named safetensors file, the way the original
 * Stable Diffusion checkpoints are laid out (VAE attention projections as 1×1 convolutions).
 */
final class LdmCheckpointWriter {
    /** One tensor to write. */
    record Tensor(long[] shape, byte[] data) { }

    final Map<String, Tensor> tensors = new LinkedHashMap<>();

    /** Reads unet/, vae/ and text_encoder/ of a diffusers folder under LDM names. */
    static LdmCheckpointWriter fromDiffusers(Path dir) throws IOException {
        return fromDiffusers(dir, false);
    }

    /**
     * @param openClip write the text encoder as SD 2.x does (OpenCLIP names, q/k/v fused into {@code in_proj})
     */
    static LdmCheckpointWriter fromDiffusers(Path dir, boolean openClip) throws IOException {
        LdmCheckpointWriter w = new LdmCheckpointWriter();
        JsonObject unetCfg = JsonParser.parseString(Files.readString(dir.resolve("unet/config.json")))
                .getAsJsonObject();
        JsonObject vaeCfg = JsonParser.parseString(Files.readString(dir.resolve("vae/config.json")))
                .getAsJsonObject();
        w.add(dir.resolve("unet/diffusion_pytorch_model.safetensors"),
                new LdmUnetMapping(UNetLayout.fromConfig(unetCfg)), s -> s);
        int blocks = vaeCfg.getAsJsonArray("block_out_channels").size();
        w.add(dir.resolve("vae/diffusion_pytorch_model.safetensors"), new LdmVaeMapping(blocks), s ->
                s.length == 2 ? new long[] {s[0], s[1], 1, 1} : s);
        if (openClip) {
            w.addOpenClip(dir.resolve("text_encoder/model.safetensors"));
        } else {
            w.add(dir.resolve("text_encoder/model.safetensors"), new LdmClipMapping(true), s -> s);
        }
        w.tensors.put("model_ema.decay", new Tensor(new long[0], new byte[4]));
        w.tensors.put("alphas_cumprod", new Tensor(new long[] {2}, new byte[8]));
        return w;
    }

    private void add(Path file, KeyMapping mapping, UnaryOperator<long[]> vaeAttnShape) throws IOException {
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            for (String k : f.keys()) {
                if (!f.info(k).dtype().equals("F32")) {
                    throw new IOException("test writer expects F32, " + k + " is " + f.info(k).dtype());
                }
                ByteBuffer b = f.map(k);
                byte[] data = new byte[b.remaining()];
                b.get(data);
                long[] shape = f.info(k).shape();
                if (k.contains("mid_block.attentions.0.to_") && k.endsWith(".weight")) {
                    shape = vaeAttnShape.apply(shape);
                }
                tensors.put(mapping.toSource(k), new Tensor(shape, data));
            }
        }
    }

    private void addOpenClip(Path file) throws IOException {
        LdmOpenClipMapping m = new LdmOpenClipMapping();
        Map<String, java.io.ByteArrayOutputStream> fused = new LinkedHashMap<>();
        Map<String, long[]> fusedShape = new LinkedHashMap<>();
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            for (String k : f.keys()) {
                ByteBuffer b = f.map(k);
                byte[] data = new byte[b.remaining()];
                b.get(data);
                long[] shape = f.info(k).shape();
                String src = m.toSource(k);
                int[] block = m.rowBlock(k);
                if (block == null) {
                    tensors.put(src, new Tensor(shape, data));
                    continue;
                }
                // q, k, v are stored in that order in the diffusers file only by chance: place by block index
                fused.computeIfAbsent(src, x -> new java.io.ByteArrayOutputStream());
                long[] s3 = shape.clone();
                s3[0] *= 3;
                fusedShape.put(src, s3);
                tensors.put(src + "#" + block[0], new Tensor(shape, data));
            }
        }
        for (String src : fused.keySet()) {
            java.io.ByteArrayOutputStream all = fused.get(src);
            for (int i = 0; i < 3; i++) {
                all.write(tensors.remove(src + "#" + i).data());
            }
            tensors.put(src, new Tensor(fusedShape.get(src), all.toByteArray()));
        }
    }

    void write(Path out) throws IOException {
        JsonObject header = new JsonObject();
        long offset = 0;
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            JsonObject t = new JsonObject();
            t.addProperty("dtype", "F32");
            JsonArray shape = new JsonArray();
            Arrays.stream(e.getValue().shape()).forEach(shape::add);
            t.add("shape", shape);
            JsonArray offs = new JsonArray();
            offs.add(offset);
            offset += e.getValue().data().length;
            offs.add(offset);
            t.add("data_offsets", offs);
            header.add(e.getKey(), t);
        }
        byte[] json = header.toString().getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8;
        byte[] h = Arrays.copyOf(json, padded);
        Arrays.fill(h, json.length, padded, (byte) ' ');
        try (OutputStream os = Files.newOutputStream(out)) {
            os.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded).array());
            os.write(h);
            for (Tensor t : tensors.values()) {
                os.write(t.data());
            }
        }
    }
}
