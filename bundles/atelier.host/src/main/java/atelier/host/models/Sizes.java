package atelier.host.models;

import java.util.Locale;

/** Formats byte counts for people. */
final class Sizes {
    private Sizes() { }

    /** {@code 1536} → {@code 1.5 KB}; decimal units as disk sizes are usually shown. */
    static String human(long bytes) {
        if (bytes < 0) {
            return "?";
        }
        if (bytes < 1000) {
            return bytes + " B";
        }
        String[] units = {"KB", "MB", "GB", "TB"};
        double v = bytes;
        int u = -1;
        while (v >= 1000 && u < units.length - 1) {
            v /= 1000;
            u++;
        }
        return String.format(Locale.ROOT, v < 10 ? "%.2f %s" : v < 100 ? "%.1f %s" : "%.0f %s", v, units[u]);
    }
}
