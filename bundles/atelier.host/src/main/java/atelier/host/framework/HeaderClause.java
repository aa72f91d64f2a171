package atelier.host.framework;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One clause of an OSGi manifest header such as {@code Export-Package} or bnd's {@code -runbundles}:
 * {@code path1;path2;attr=value;dir:=value}. Quotes (single or double) protect commas and semicolons.
 *
 * @param paths      the names before the first attribute (package names, symbolic names, jar paths)
 * @param attributes {@code name=value} pairs, quotes removed
 * @param directives {@code name:=value} pairs, quotes removed
 */
public record HeaderClause(List<String> paths, Map<String, String> attributes, Map<String, String> directives) {

    /** Parses a whole header value; an empty or null header gives no clauses. */
    public static List<HeaderClause> parse(String header) {
        List<HeaderClause> clauses = new ArrayList<>();
        if (header == null || header.isBlank()) return clauses;
        for (String clause : split(header, ',')) {
            if (clause.isBlank()) continue;
            List<String> paths = new ArrayList<>();
            Map<String, String> attrs = new LinkedHashMap<>();
            Map<String, String> dirs = new LinkedHashMap<>();
            for (String part : split(clause, ';')) {
                String p = part.trim();
                if (p.isEmpty()) continue;
                int eq = indexOfUnquoted(p, '=');
                if (eq < 0) {
                    paths.add(p);
                } else if (eq > 0 && p.charAt(eq - 1) == ':') {
                    dirs.put(p.substring(0, eq - 1).trim(), unquote(p.substring(eq + 1).trim()));
                } else {
                    String name = p.substring(0, eq).trim();
                    int colon = name.indexOf(':');   // typed attribute, e.g. version:Version
                    if (colon > 0) name = name.substring(0, colon).trim();
                    attrs.put(name, unquote(p.substring(eq + 1).trim()));
                }
            }
            clauses.add(new HeaderClause(List.copyOf(paths), Map.copyOf(attrs), Map.copyOf(dirs)));
        }
        return clauses;
    }

    /** The attribute, or {@code fallback}. */
    public String attribute(String name, String fallback) {
        return attributes.getOrDefault(name, fallback);
    }

    private static List<String> split(String s, char separator) {
        List<String> parts = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        char quote = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (quote != 0) {
                if (c == quote) quote = 0;
            } else if (c == '"' || c == '\'') {
                quote = c;
            } else if (c == separator) {
                parts.add(current.toString());
                current.setLength(0);
                continue;
            }
            current.append(c);
        }
        if (quote != 0) throw new IllegalArgumentException("unbalanced quote in header: " + s);
        parts.add(current.toString());
        return parts;
    }

    private static int indexOfUnquoted(String s, char wanted) {
        char quote = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (quote != 0) {
                if (c == quote) quote = 0;
            } else if (c == '"' || c == '\'') {
                quote = c;
            } else if (c == wanted) {
                return i;
            }
        }
        return -1;
    }

    private static String unquote(String v) {
        if (v.length() >= 2 && (v.charAt(0) == '"' || v.charAt(0) == '\'') && v.charAt(v.length() - 1) == v.charAt(0)) {
            return v.substring(1, v.length() - 1);
        }
        return v;
    }
}
