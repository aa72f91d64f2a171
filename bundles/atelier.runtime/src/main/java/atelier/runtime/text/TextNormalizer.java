package atelier.runtime.text;

import java.text.Normalizer;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The text clean-up CLIP applies before pre-tokenisation: the ftfy fixes that change real prompts, then
 * whitespace collapse and lower case.
 *
 * <p>Implemented ftfy steps (in ftfy's order): HTML entity unescaping (skipped when the text contains {@code <},
 * as ftfy's "auto" mode does; numeric entities and a table of common named ones), terminal escape removal,
 * C1 control characters read as Windows-1252, Latin ligatures expanded, full-width characters to their normal
 * width, curly quotes to straight quotes, control characters removed, NFC. Not implemented: ftfy's mojibake
 * detection ("fix_encoding"), which only changes text that was already mis-decoded.
 */
final class TextNormalizer {
    private TextNormalizer() { }

    private static final Pattern ENTITY = Pattern.compile("&#?[0-9A-Za-z]{1,24};");
    private static final Pattern TERMINAL_ESCAPE = Pattern.compile("\u001b\\[((?:\\d|;)*)([a-zA-Z])");
    /** Python's {@code str.isspace()} set: Unicode White_Space plus the information separators 0x1C–0x1F. */
    private static final Pattern WHITESPACE = Pattern.compile("[\\s\\x1c-\\x1f]+", Pattern.UNICODE_CHARACTER_CLASS);

    private static final Map<String, String> NAMED_ENTITIES = Map.ofEntries(
            Map.entry("amp", "&"), Map.entry("lt", "<"), Map.entry("gt", ">"), Map.entry("quot", "\""),
            Map.entry("apos", "'"), Map.entry("nbsp", "\u00a0"), Map.entry("copy", "\u00a9"),
            Map.entry("reg", "\u00ae"), Map.entry("trade", "\u2122"), Map.entry("hellip", "\u2026"),
            Map.entry("mdash", "\u2014"), Map.entry("ndash", "\u2013"), Map.entry("lsquo", "\u2018"),
            Map.entry("rsquo", "\u2019"), Map.entry("ldquo", "\u201c"), Map.entry("rdquo", "\u201d"),
            Map.entry("laquo", "\u00ab"), Map.entry("raquo", "\u00bb"), Map.entry("deg", "\u00b0"),
            Map.entry("times", "\u00d7"), Map.entry("divide", "\u00f7"), Map.entry("euro", "\u20ac"),
            Map.entry("pound", "\u00a3"), Map.entry("yen", "\u00a5"), Map.entry("cent", "\u00a2"),
            Map.entry("sect", "\u00a7"), Map.entry("para", "\u00b6"), Map.entry("middot", "\u00b7"),
            Map.entry("bull", "\u2022"), Map.entry("plusmn", "\u00b1"), Map.entry("micro", "\u00b5"),
            Map.entry("eacute", "\u00e9"), Map.entry("egrave", "\u00e8"), Map.entry("aacute", "\u00e1"),
            Map.entry("agrave", "\u00e0"), Map.entry("ouml", "\u00f6"), Map.entry("uuml", "\u00fc"),
            Map.entry("auml", "\u00e4"), Map.entry("ccedil", "\u00e7"), Map.entry("ntilde", "\u00f1"),
            Map.entry("szlig", "\u00df"));

    /** ftfy + whitespace collapse + strip + lower case, as CLIP's tokenizer does before its regex. */
    static String clean(String text) {
        String fixed = fixText(text);
        String collapsed = WHITESPACE.matcher(fixed).replaceAll(" ");
        return stripSpaces(collapsed).toLowerCase(Locale.ROOT);
    }

    static String fixText(String text) {
        String t = text;
        if (t.indexOf('<') < 0) {
            t = unescapeHtml(t);
        }
        t = TERMINAL_ESCAPE.matcher(t).replaceAll("");
        StringBuilder sb = new StringBuilder(t.length());
        t.codePoints().forEach(cp -> appendFixed(sb, cp));
        return Normalizer.normalize(sb, Normalizer.Form.NFC);
    }

    private static void appendFixed(StringBuilder sb, int cp) {
        if (cp >= 0x80 && cp <= 0x9f) {
            cp = c1AsWindows1252(cp);
        }
        if (isLigature(cp) || (cp >= 0xff01 && cp <= 0xffef)) {
            String s = new String(Character.toChars(cp));
            sb.append(Normalizer.normalize(s, Normalizer.Form.NFKC));
            return;
        }
        if (cp == 0x3000) {
            sb.append(' ');
        } else if (cp == 0x02bc || (cp >= 0x2018 && cp <= 0x201b)) {
            sb.append('\'');
        } else if (cp >= 0x201c && cp <= 0x201f) {
            sb.append('"');
        } else if (!isRemovedControl(cp)) {
            sb.appendCodePoint(cp);
        }
    }

    private static boolean isLigature(int cp) {
        return cp == 0x0132 || cp == 0x0133 || cp == 0x0149 || (cp >= 0x01c4 && cp <= 0x01cc)
                || (cp >= 0x01f1 && cp <= 0x01f3) || (cp >= 0xfb00 && cp <= 0xfb06);
    }

    /** ftfy's removed control characters (tab, newlines and form feed are kept: they become spaces later). */
    private static boolean isRemovedControl(int cp) {
        return cp <= 0x08 || cp == 0x0b || (cp >= 0x0e && cp <= 0x1f) || cp == 0x7f
                || (cp >= 0x206a && cp <= 0x206f) || cp == 0xfeff || (cp >= 0xfff9 && cp <= 0xfffc);
    }

    /** C1 control characters in text almost always come from Windows-1252 bytes decoded as Latin-1. */
    private static int c1AsWindows1252(int cp) {
        byte[] one = {(byte) cp};
        String s = new String(one, java.nio.charset.Charset.forName("windows-1252"));
        int mapped = s.codePointAt(0);
        return mapped == 0xfffd ? cp : mapped;
    }

    static String unescapeHtml(String text) {
        if (text.indexOf('&') < 0) {
            return text;
        }
        Matcher m = ENTITY.matcher(text);
        StringBuilder sb = new StringBuilder(text.length());
        while (m.find()) {
            m.appendReplacement(sb, Matcher.quoteReplacement(decodeEntity(m.group())));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    private static String decodeEntity(String entity) {
        String body = entity.substring(1, entity.length() - 1);
        if (body.startsWith("#")) {
            try {
                boolean hex = body.length() > 1 && (body.charAt(1) == 'x' || body.charAt(1) == 'X');
                int cp = hex ? Integer.parseInt(body.substring(2), 16) : Integer.parseInt(body.substring(1));
                if (cp <= 0 || cp > Character.MAX_CODE_POINT || (cp >= 0xd800 && cp <= 0xdfff)) {
                    return "\ufffd";
                }
                if (cp >= 0x80 && cp <= 0x9f) {
                    cp = c1AsWindows1252(cp); // as Python's html.unescape does for these references
                }
                return new String(Character.toChars(cp));
            } catch (NumberFormatException e) {
                return entity;
            }
        }
        String named = NAMED_ENTITIES.get(body);
        if (named == null) {
            named = NAMED_ENTITIES.get(body.toLowerCase(Locale.ROOT));
            if (named != null && !body.equals(body.toUpperCase(Locale.ROOT))) {
                named = null; // ftfy accepts the exact name or its all-caps form only
            } else if (named != null) {
                named = named.toUpperCase(Locale.ROOT);
            }
        }
        return named != null ? named : entity;
    }

    private static String stripSpaces(String s) {
        int b = 0;
        int e = s.length();
        while (b < e && s.charAt(b) == ' ') {
            b++;
        }
        while (e > b && s.charAt(e - 1) == ' ') {
            e--;
        }
        return s.substring(b, e);
    }
}
