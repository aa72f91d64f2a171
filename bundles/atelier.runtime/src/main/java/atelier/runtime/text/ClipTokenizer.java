package atelier.runtime.text;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;

/**
 * CLIP's byte-level BPE tokenizer, as Stable Diffusion uses it: a prompt becomes exactly {@link #maxLength()}
 * ids, {@code [bos] + tokens (truncated) + [eos] + [pad]…}.
 *
 * <p>Steps, matching the reference tokenizer: ftfy-style clean-up (see {@link TextNormalizer}), whitespace runs
 * collapsed to one space, lower case, CLIP's pre-tokenising regex, byte-level BPE with {@code </w>} marking the
 * end of a word. Loaded from a Hugging Face tokenizer folder: {@code vocab.json}, {@code merges.txt} and,
 * when present, {@code tokenizer_config.json} / {@code special_tokens_map.json} for the special tokens and the
 * maximum length (SD 1.x pads with {@code <|endoftext|>}, SD 2.x with {@code !}). Without a config the
 * defaults are the CLIP ones: bos {@code <|startoftext|>}, eos = pad = unk {@code <|endoftext|>}, 77 ids.
 *
 * <p>Thread-safe.
 */
public final class ClipTokenizer {
    /** CLIP's pre-tokeniser (applied to lower-cased text). */
    private static final Pattern PRE_TOKEN = Pattern.compile(
            "<\\|startoftext\\|>|<\\|endoftext\\|>|'s|'t|'re|'ve|'m|'ll|'d|[\\p{L}]+|[\\p{N}]|[^\\s\\p{L}\\p{N}]+",
            Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE | Pattern.UNICODE_CHARACTER_CLASS);
    /** The reference reads at most this many merges (CLIP's vocabulary: 49152 − 256 − 2). */
    private static final int MAX_MERGES = 49152 - 256 - 2;
    private static final int DEFAULT_MAX_LENGTH = 77;

    private final Map<String, Integer> vocab;
    private final Map<Integer, String> pieces;
    private final ByteLevelBpe bpe;
    private final int bosId;
    private final int eosId;
    private final int padId;
    private final int unkId;
    private final int maxLength;

    private ClipTokenizer(Map<String, Integer> vocab, ByteLevelBpe bpe, int bosId, int eosId, int padId, int unkId,
            int maxLength) {
        this.vocab = vocab;
        this.pieces = new HashMap<>(vocab.size() * 2);
        vocab.forEach((piece, id) -> pieces.putIfAbsent(id, piece));
        this.bpe = bpe;
        this.bosId = bosId;
        this.eosId = eosId;
        this.padId = padId;
        this.unkId = unkId;
        this.maxLength = maxLength;
    }

    /**
     * Loads a tokenizer folder.
     *
     * @throws UncheckedIOException when a file cannot be read
     * @throws IllegalArgumentException when a file is malformed or a special token is not in the vocabulary
     */
    public static ClipTokenizer load(Path tokenizerDir) {
        Path vocabFile = tokenizerDir.resolve("vocab.json");
        Path mergesFile = tokenizerDir.resolve("merges.txt");
        for (Path p : List.of(vocabFile, mergesFile)) {
            if (!Files.isRegularFile(p)) {
                throw new IllegalArgumentException("tokenizer folder " + tokenizerDir + " has no " + p.getFileName());
            }
        }
        Map<String, Integer> vocab = readVocab(vocabFile);
        List<String[]> merges = readMerges(mergesFile);

        Map<String, String> special = new HashMap<>();
        special.put("bos_token", "<|startoftext|>");
        special.put("eos_token", "<|endoftext|>");
        special.put("unk_token", "<|endoftext|>");
        int maxLength = DEFAULT_MAX_LENGTH;
        JsonObject config = readJsonIfPresent(tokenizerDir.resolve("tokenizer_config.json"));
        JsonObject map = readJsonIfPresent(tokenizerDir.resolve("special_tokens_map.json"));
        for (JsonObject o : new JsonObject[] {config, map}) {
            if (o == null) {
                continue;
            }
            for (String name : List.of("bos_token", "eos_token", "unk_token", "pad_token")) {
                String content = tokenContent(o.get(name));
                if (content != null) {
                    special.put(name, content);
                }
            }
        }
        if (config != null && config.has("model_max_length") && config.get("model_max_length").isJsonPrimitive()) {
            double m = config.get("model_max_length").getAsDouble();
            if (m >= 3 && m <= 1_000_000) { // "no limit" configs carry 1e30
                maxLength = (int) m;
            }
        }
        special.putIfAbsent("pad_token", special.get("eos_token"));

        int bos = idOf(vocab, special, "bos_token", tokenizerDir);
        int eos = idOf(vocab, special, "eos_token", tokenizerDir);
        int unk = idOf(vocab, special, "unk_token", tokenizerDir);
        int pad = idOf(vocab, special, "pad_token", tokenizerDir);
        ByteLevelBpe bpe = new ByteLevelBpe(merges, List.of("<|startoftext|>", "<|endoftext|>"));
        return new ClipTokenizer(vocab, bpe, bos, eos, pad, unk, maxLength);
    }

    /** Ids of one prompt: exactly {@link #maxLength()} values, bos + tokens (truncated) + eos + padding. */
    public long[] encode(String prompt) {
        int[] tokens = tokenIds(prompt);
        long[] ids = new long[maxLength];
        Arrays.fill(ids, padId);
        ids[0] = bosId;
        int n = Math.min(tokens.length, maxLength - 2);
        for (int i = 0; i < n; i++) {
            ids[1 + i] = tokens[i];
        }
        ids[1 + n] = eosId;
        return ids;
    }

    /** {@link #encode(String)} for each prompt, in order. */
    public long[][] encodeBatch(List<String> prompts) {
        long[][] out = new long[prompts.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = encode(prompts.get(i));
        }
        return out;
    }

    /** The BPE pieces of a prompt, without bos/eos/padding and without truncation (e.g. {@code "horse</w>"}). */
    public List<String> tokenize(String prompt) {
        List<String> pieces = new ArrayList<>();
        Matcher m = PRE_TOKEN.matcher(TextNormalizer.clean(prompt));
        while (m.find()) {
            pieces.addAll(Arrays.asList(bpe.encode(m.group())));
        }
        return pieces;
    }

    /** Token ids of a prompt, without bos/eos/padding and without truncation. */
    public int[] tokenIds(String prompt) {
        List<String> pieces = tokenize(prompt);
        int[] ids = new int[pieces.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = vocab.getOrDefault(pieces.get(i), unkId);
        }
        return ids;
    }

    /**
     * Text of token ids, for display: bos and unknown ids are skipped, the text ends at the first eos (what
     * follows is padding), word ends
     * become spaces (so punctuation and digits come back spaced: {@code "it 's 3 : 4 5"}). The text is the
     * normalised, lower-cased form the model saw.
     */
    public String decode(long[] ids) {
        StringBuilder chars = new StringBuilder();
        for (long id : ids) {
            if (id == eosId) {
                break;
            }
            if (id == bosId || id < 0 || id > Integer.MAX_VALUE) {
                continue;
            }
            String piece = pieces.get((int) id);
            if (piece != null) {
                chars.append(piece);
            }
        }
        String spaced = chars.toString().replace(ByteLevelBpe.END_OF_WORD, ByteLevelBpe.toByteChars(" "));
        return ByteLevelBpe.fromByteChars(spaced).strip();
    }

    /** Number of ids per prompt (77 for every Stable Diffusion tokenizer). */
    public int maxLength() { return maxLength; }

    /** Id used to pad after the eos token. */
    public int padId() { return padId; }

    public int bosId() { return bosId; }

    public int eosId() { return eosId; }

    public int vocabSize() { return vocab.size(); }

    private static int idOf(Map<String, Integer> vocab, Map<String, String> special, String name, Path dir) {
        String token = special.get(name);
        Integer id = vocab.get(token);
        if (id == null) {
            throw new IllegalArgumentException("tokenizer " + dir + ": " + name + " '" + token
                    + "' is not in vocab.json");
        }
        return id;
    }

    /** A special token is either a plain string or an AddedToken object with {@code content}. */
    private static String tokenContent(JsonElement e) {
        if (e == null || e.isJsonNull()) {
            return null;
        }
        if (e.isJsonPrimitive()) {
            return e.getAsString();
        }
        if (e.isJsonObject() && e.getAsJsonObject().has("content")) {
            return e.getAsJsonObject().get("content").getAsString();
        }
        return null;
    }

    private static Map<String, Integer> readVocab(Path file) {
        JsonObject o = readJson(file);
        Map<String, Integer> vocab = new HashMap<>(o.size() * 2);
        for (Map.Entry<String, JsonElement> e : o.entrySet()) {
            if (!e.getValue().isJsonPrimitive() || !e.getValue().getAsJsonPrimitive().isNumber()) {
                throw new IllegalArgumentException(file + ": entry '" + e.getKey() + "' is not an integer id");
            }
            vocab.put(e.getKey(), e.getValue().getAsInt());
        }
        return vocab;
    }

    private static List<String[]> readMerges(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + file, e);
        }
        List<String[]> merges = new ArrayList<>(lines.size());
        int start = !lines.isEmpty() && lines.get(0).startsWith("#version") ? 1 : 0;
        for (int i = start; i < lines.size() && merges.size() < MAX_MERGES; i++) {
            String line = lines.get(i);
            if (line.isBlank()) {
                continue;
            }
            String[] pair = line.trim().split(" ");
            if (pair.length != 2) {
                throw new IllegalArgumentException(file + " line " + (i + 1) + " is not a pair of symbols: '" + line + "'");
            }
            merges.add(pair);
        }
        return merges;
    }

    private static JsonObject readJsonIfPresent(Path file) {
        return Files.isRegularFile(file) ? readJson(file) : null;
    }

    private static JsonObject readJson(Path file) {
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            JsonElement e = JsonParser.parseReader(r);
            if (!e.isJsonObject()) {
                throw new IllegalArgumentException(file + " is not a JSON object");
            }
            return e.getAsJsonObject();
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + file, e);
        } catch (JsonParseException e) {
            throw new IllegalArgumentException(file + " is not valid JSON: " + e.getMessage(), e);
        }
    }
}
