package atelier.runtime.text;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * GPT-2 style byte-level BPE with CLIP's end-of-word marker: the UTF-8 bytes of a pre-token are mapped to
 * printable characters, the last one gets {@code </w>}, and the lowest-ranked adjacent pair is merged until
 * no ranked pair is left. Results are cached per pre-token (bounded; the cache is cleared when full).
 */
final class ByteLevelBpe {
    static final String END_OF_WORD = "</w>";
    private static final int CACHE_LIMIT = 50_000;
    private static final char[] BYTE_TO_CHAR = byteAlphabet();
    private static final int[] CHAR_TO_BYTE = inverse(BYTE_TO_CHAR);

    private final Map<String, Integer> ranks;
    private final Map<String, String[]> cache = new ConcurrentHashMap<>();
    private final Map<String, String[]> fixed;

    /** @param merges pairs in rank order; {@code fixed} pre-tokens map to themselves (special tokens) */
    ByteLevelBpe(List<String[]> merges, List<String> fixed) {
        this.ranks = new HashMap<>(merges.size() * 2);
        for (int i = 0; i < merges.size(); i++) {
            ranks.putIfAbsent(pairKey(merges.get(i)[0], merges.get(i)[1]), i);
        }
        this.fixed = new HashMap<>();
        for (String f : fixed) {
            this.fixed.put(f, new String[] {f});
        }
    }

    /** The byte-level alphabet: printable Latin-1 bytes keep their character, the rest map to 256 + n. */
    private static char[] byteAlphabet() {
        char[] map = new char[256];
        int n = 0;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff);
            map[b] = printable ? (char) b : (char) (256 + n++);
        }
        return map;
    }

    /** Inverse of {@link #toByteChars}: characters outside the alphabet are dropped; bad UTF-8 becomes U+FFFD. */
    static String fromByteChars(CharSequence chars) {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream(chars.length());
        for (int i = 0; i < chars.length(); i++) {
            int b = byteOf(chars.charAt(i));
            if (b >= 0) {
                bytes.write(b);
            }
        }
        return new String(bytes.toByteArray(), StandardCharsets.UTF_8);
    }

    private static int byteOf(char c) {
        return c < CHAR_TO_BYTE.length ? CHAR_TO_BYTE[c] : -1;
    }

    private static int[] inverse(char[] map) {
        int[] inv = new int[512];
        java.util.Arrays.fill(inv, -1);
        for (int b = 0; b < map.length; b++) {
            inv[map[b]] = b;
        }
        return inv;
    }

    /** The byte-level spelling of a string: one character per UTF-8 byte. */
    static String toByteChars(String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        char[] out = new char[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            out[i] = BYTE_TO_CHAR[bytes[i] & 0xff];
        }
        return new String(out);
    }

    /** BPE pieces of one pre-token (given in its normal spelling). */
    String[] encode(String preToken) {
        String[] special = fixed.get(preToken);
        if (special != null) {
            return special;
        }
        String[] hit = cache.get(preToken);
        if (hit != null) {
            return hit;
        }
        String[] pieces = merge(toByteChars(preToken));
        if (cache.size() >= CACHE_LIMIT) {
            cache.clear();
        }
        cache.put(preToken, pieces);
        return pieces;
    }

    private String[] merge(String chars) {
        List<String> word = new ArrayList<>(chars.length());
        for (int i = 0; i < chars.length(); i++) {
            String c = String.valueOf(chars.charAt(i));
            word.add(i == chars.length() - 1 ? c + END_OF_WORD : c);
        }
        while (word.size() > 1) {
            int best = Integer.MAX_VALUE;
            String first = null;
            String second = null;
            for (int i = 0; i + 1 < word.size(); i++) {
                Integer r = ranks.get(pairKey(word.get(i), word.get(i + 1)));
                if (r != null && r < best) {
                    best = r;
                    first = word.get(i);
                    second = word.get(i + 1);
                }
            }
            if (first == null) {
                break;
            }
            List<String> next = new ArrayList<>(word.size());
            int i = 0;
            while (i < word.size()) {
                if (i + 1 < word.size() && word.get(i).equals(first) && word.get(i + 1).equals(second)) {
                    next.add(first + second);
                    i += 2;
                } else {
                    next.add(word.get(i));
                    i++;
                }
            }
            word = next;
        }
        return word.toArray(new String[0]);
    }

    private static String pairKey(String a, String b) {
        return a + ' ' + b;
    }
}
