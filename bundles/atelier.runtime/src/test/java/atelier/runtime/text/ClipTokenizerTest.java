package atelier.runtime.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import atelier.runtime.io.SafetensorsFile;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClipTokenizerTest {
    static Path shared() {
        return Path.of(System.getProperty("atelier.shared", "../../../shared"));
    }

    static Path tinySdTokenizer() { return shared().resolve("models/tiny-sd/tokenizer"); }

    static Path clipBpe() { return shared().resolve("oracle/clip-bpe"); }

    static JsonObject json(Path p) throws Exception {
        try (Reader r = Files.newBufferedReader(p, StandardCharsets.UTF_8)) {
            return JsonParser.parseReader(r).getAsJsonObject();
        }
    }

    static long[] longs(JsonArray a) {
        long[] out = new long[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.get(i).getAsLong();
        }
        return out;
    }

    @Test
    void clipBpeGoldenPromptsMatchWithBothFolders() throws Exception {
        JsonObject golden = json(clipBpe().resolve("golden_tokens.json"));
        JsonArray cases = golden.getAsJsonArray("cases");
        assertEquals(10, cases.size());
        for (Path dir : List.of(tinySdTokenizer(), clipBpe())) {
            ClipTokenizer tok = ClipTokenizer.load(dir);
            assertEquals(77, tok.maxLength());
            assertEquals(49407, tok.padId());
            for (JsonElement el : cases) {
                JsonObject c = el.getAsJsonObject();
                String prompt = c.get("prompt").getAsString();
                List<String> pieces = new ArrayList<>();
                c.getAsJsonArray("bpe_tokens_ftfy").forEach(p -> pieces.add(p.getAsString()));
                assertEquals(pieces, tok.tokenize(prompt), "BPE pieces of '" + prompt + "' with " + dir);
                long[] unpadded = longs(c.getAsJsonArray("ids_unpadded_ftfy"));
                int[] ids = tok.tokenIds(prompt);
                assertEquals(unpadded.length, ids.length, prompt);
                for (int i = 0; i < ids.length; i++) {
                    assertEquals(unpadded[i], ids[i], "id " + i + " of '" + prompt + "'");
                }
                assertArrayEquals(longs(c.getAsJsonArray("input_ids_77_pad_eot")), tok.encode(prompt),
                        "77 ids of '" + prompt + "' with " + dir);
            }
        }
    }

    @Test
    void tinySdGoldenPromptsMatchExactly() throws Exception {
        Path dir = shared().resolve("oracle/golden/tiny-sd");
        JsonObject manifest = json(dir.resolve("golden.json"));
        JsonObject tokCase = null;
        for (JsonElement c : manifest.getAsJsonArray("cases")) {
            if (c.getAsJsonObject().get("id").getAsString().equals("a_tokenizer")) {
                tokCase = c.getAsJsonObject();
            }
        }
        List<String> prompts = new ArrayList<>();
        tokCase.getAsJsonArray("prompts").forEach(p -> prompts.add(p.getAsString()));
        assertEquals(5, prompts.size());
        try (SafetensorsFile f = SafetensorsFile.open(dir.resolve("golden.safetensors"));
                NDManager m = NDManager.newBaseManager()) {
            NDArray expected = f.load("in.tok_ids", m);
            assertEquals(5, expected.getShape().get(0));
            for (Path tokDir : List.of(tinySdTokenizer(), clipBpe())) {
                ClipTokenizer tok = ClipTokenizer.load(tokDir);
                long[][] batch = tok.encodeBatch(prompts);
                for (int i = 0; i < prompts.size(); i++) {
                    assertArrayEquals(expected.get(i).toLongArray(), batch[i],
                            "prompt " + i + " '" + prompts.get(i) + "' with " + tokDir);
                }
            }
        }
    }

    @Test
    void normalisationFixesQuotesEntitiesWidthAndSpace() {
        ClipTokenizer tok = ClipTokenizer.load(clipBpe());
        assertEquals(tok.tokenize("\"quoted\" it's"), tok.tokenize("\u201cquoted\u201d it\u2019s"));
        assertEquals(tok.tokenize("salt & pepper"), tok.tokenize("salt &amp; pepper"));
        assertEquals(tok.tokenize("a b"), tok.tokenize("&#97;\u00a0\u3000B"));
        assertEquals(tok.tokenize("abc fine"), tok.tokenize("\uff41\uff42\uff43 \ufb01ne"));
        assertEquals(List.of("<|endoftext|>"), tok.tokenize("<|endoftext|>"));
    }

    @Test
    void decodesIdsBackToTheNormalisedText() {
        ClipTokenizer tok = ClipTokenizer.load(clipBpe());
        // every pre-token ends a word in CLIP's BPE, so punctuation and digits come back spaced (as in the reference)
        assertEquals("caf\u00e9 na\u00efve \" quoted \" \ud83d\ude00\ud83c\udfa8 it 's 3 : 4 5 pm",
                tok.decode(tok.encode("Caf\u00e9 na\u00efve \u201cQuoted\u201d \ud83d\ude00\ud83c\udfa8 it\u2019s 3:45pm")));
        assertEquals("", tok.decode(tok.encode("")));
    }

    @Test
    void truncatesToMaxLengthKeepingEos() {
        ClipTokenizer tok = ClipTokenizer.load(clipBpe());
        long[] ids = tok.encode("cat ".repeat(200));
        assertEquals(77, ids.length);
        assertEquals(49406, ids[0]);
        assertEquals(49407, ids[76]);
        assertEquals(ids[1], ids[75]);
    }

    @Test
    void padTokenComesFromTheConfig(@TempDir Path tmp) throws Exception {
        Files.copy(clipBpe().resolve("vocab.json"), tmp.resolve("vocab.json"));
        Files.copy(clipBpe().resolve("merges.txt"), tmp.resolve("merges.txt"));
        Files.writeString(tmp.resolve("tokenizer_config.json"),
                "{\"pad_token\": \"!\", \"model_max_length\": 77, \"bos_token\": {\"content\": \"<|startoftext|>\"}}");
        ClipTokenizer tok = ClipTokenizer.load(tmp);
        assertEquals(0, tok.padId());
        JsonObject golden = json(clipBpe().resolve("golden_tokens.json"));
        for (JsonElement el : golden.getAsJsonArray("cases")) {
            JsonObject c = el.getAsJsonObject();
            assertArrayEquals(longs(c.getAsJsonArray("input_ids_77_pad_bang")), tok.encode(c.get("prompt").getAsString()));
        }
        assertEquals("wow !", tok.decode(tok.encode("wow!"))); // '!' is also the pad token here
        Files.writeString(tmp.resolve("tokenizer_config.json"), "{\"pad_token\": \"<|nope|>\"}");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ClipTokenizer.load(tmp));
        assertTrue(e.getMessage().contains("pad_token"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ClipTokenizer.load(tmp.resolve("missing")));
    }
}
