package atelier.runtime.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import ai.djl.ndarray.BaseNDManager;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import atelier.runtime.io.SafetensorsFile;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClipTextModelTest {
    static Path shared() { return ClipTokenizerTest.shared(); }

    static Path textEncoder() { return shared().resolve("models/tiny-sd/text_encoder"); }

    static double maxAbsDiff(NDArray a, NDArray b) {
        assertEquals(b.getShape(), a.getShape());
        return a.sub(b).abs().max().getFloat();
    }

    static double recommendedAtol() throws Exception {
        try (Reader r = Files.newBufferedReader(shared().resolve("oracle/golden/tiny-sd/golden.json"),
                StandardCharsets.UTF_8)) {
            JsonObject manifest = JsonParser.parseReader(r).getAsJsonObject();
            for (JsonElement c : manifest.getAsJsonArray("cases")) {
                JsonObject o = c.getAsJsonObject();
                if (o.get("id").getAsString().equals("b_text_encoder")) {
                    return o.getAsJsonObject("last_hidden_state").get("recommended_atol").getAsDouble();
                }
            }
        }
        throw new AssertionError("no b_text_encoder case");
    }

    @Test
    void matchesGoldenLastHiddenStateAndPooled() throws Exception {
        double atol = recommendedAtol();
        try (NDManager root = NDManager.newBaseManager();
                SafetensorsFile golden = SafetensorsFile.open(shared().resolve("oracle/golden/tiny-sd/golden.safetensors"));
                ClipTextModel model = ClipTextModel.load(textEncoder(), root);
                NDManager run = root.newSubManager()) {
            NDArray ids = golden.load("in.tok_ids", run);
            NDArray expectedHidden = golden.load("out.text_last_hidden_state", run);
            NDArray expectedPooled = golden.load("out.text_pooled", run);
            int modelArrays = ((BaseNDManager) root).getManagedArrays().size();
            int runArrays = ((BaseNDManager) run).getManagedArrays().size();

            TextEncoding enc = model.encode(ids);
            // nothing but the two outputs stays behind; the weights' manager is untouched
            assertEquals(runArrays + 2, ((BaseNDManager) run).getManagedArrays().size());
            assertEquals(modelArrays + 2, ((BaseNDManager) root).getManagedArrays().size()); // counts sub-managers
            double dh = maxAbsDiff(enc.lastHiddenState(), expectedHidden);
            double dp = maxAbsDiff(enc.pooled(), expectedPooled);
            System.out.printf("b_text_encoder: last_hidden max|diff| = %.3g, pooled max|diff| = %.3g (atol %.3g)%n",
                    dh, dp, atol);
            assertTrue(dh <= atol, "last hidden state differs by " + dh + " > " + atol);
            assertTrue(dp <= atol, "pooled output differs by " + dp + " > " + atol);
            assertEquals(new Shape(5, 77, 32), enc.lastHiddenState().getShape());
            assertEquals(new Shape(5, 32), enc.pooled().getShape());

        }
    }

    @Test
    void tokenizerAndEncoderTogetherReproduceTheGolden() throws Exception {
        ClipTokenizer tok = ClipTokenizer.load(shared().resolve("models/tiny-sd/tokenizer"));
        try (NDManager root = NDManager.newBaseManager();
                SafetensorsFile golden = SafetensorsFile.open(shared().resolve("oracle/golden/tiny-sd/golden.safetensors"));
                ClipTextModel model = ClipTextModel.load(textEncoder(), root)) {
            long[] ids = tok.encode("a photograph of an astronaut riding a horse");
            NDArray in = root.create(ids, new Shape(1, ids.length));
            NDArray hidden = model.encode(in).lastHiddenState();
            NDArray expected = golden.load("out.text_last_hidden_state", root).get("1:2");
            assertTrue(maxAbsDiff(hidden, expected) <= recommendedAtol());
        }
    }

    @Test
    void randomModelRunsAndUsesFirstEosWhenConfigured() {
        ClipTextConfig cfg = new ClipTextConfig(16, 2, 2, 24, "gelu", 1e-5, 8, 7, 10);
        try (NDManager root = NDManager.newBaseManager(); ClipTextModel m = ClipTextModel.random(cfg, root, 42)) {
            NDArray ids = root.create(new long[] {0, 3, 7, 9, 7, 1, 1, 1}, new Shape(1, 8));
            TextEncoding enc = m.encode(ids);
            assertEquals(new Shape(1, 8, 16), enc.lastHiddenState().getShape());
            // pooled = position 2, the first id 7 (not position 3 where the largest id sits)
            assertTrue(maxAbsDiff(enc.pooled().get(0), enc.lastHiddenState().get("0, 2")) == 0);
            // causal: changing a later token leaves earlier positions unchanged
            NDArray ids2 = root.create(new long[] {0, 3, 7, 9, 7, 2, 1, 1}, new Shape(1, 8));
            NDArray h2 = m.encode(ids2).lastHiddenState();
            assertTrue(maxAbsDiff(h2.get(":, 0:5"), enc.lastHiddenState().get(":, 0:5")) < 1e-6);
            assertTrue(maxAbsDiff(h2.get(":, 5"), enc.lastHiddenState().get(":, 5")) > 1e-6);
            assertThrows(IllegalArgumentException.class,
                    () -> m.encode(root.create(new long[] {0, 1, 2, 3, 4, 5, 6, 7, 8}, new Shape(1, 9))));
            assertThrows(IllegalArgumentException.class,
                    () -> m.encode(root.create(new long[] {0, 10}, new Shape(1, 2))));
        }
    }

    @Test
    void badConfigAndWeightsAreNamed(@TempDir Path tmp) throws Exception {
        String cfg = Files.readString(textEncoder().resolve("config.json"));
        Files.writeString(tmp.resolve("config.json"), cfg.replace("quick_gelu", "relu"));
        Files.copy(textEncoder().resolve("model.safetensors"), tmp.resolve("model.safetensors"));
        try (NDManager root = NDManager.newBaseManager()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> ClipTextModel.load(tmp, root));
            assertTrue(e.getMessage().contains("hidden_act"), e.getMessage());

            Files.writeString(tmp.resolve("config.json"), cfg.replace("\"intermediate_size\": 37", "\"intermediate_size\": 38"));
            e = assertThrows(IllegalArgumentException.class, () -> ClipTextModel.load(tmp, root));
            assertTrue(e.getMessage().contains("mlp.fc1.weight") && e.getMessage().contains("38"), e.getMessage());

            Files.writeString(tmp.resolve("config.json"), cfg.replace("\"num_hidden_layers\": 5", "\"num_hidden_layers\": 6"));
            e = assertThrows(IllegalArgumentException.class, () -> ClipTextModel.load(tmp, root));
            assertTrue(e.getMessage().contains("text_model.encoder.layers.5"), e.getMessage());

            Files.writeString(tmp.resolve("config.json"), cfg.replace("\"hidden_size\": 32,", ""));
            e = assertThrows(IllegalArgumentException.class, () -> ClipTextModel.load(tmp, root));
            assertTrue(e.getMessage().contains("hidden_size"), e.getMessage());
        }
    }
}
