package atelier.imagej.pixels;

import java.util.Locale;

/**
 * How grey values (8, 16, 32 bit) are mapped into the network's [0, 1] and back: the image's display range, or
 * the {@value #LOW_PERCENTILE}th to {@value #HIGH_PERCENTILE}th percentiles of the processed planes (per channel),
 * the normalisation microscopy networks commonly use.
 */
public enum IntensityRange {
    /** The display range (what the user sees, Image › Adjust › Brightness/Contrast). */
    DISPLAY("display"),
    /** Robust percentiles of the data, independent of the display settings. */
    PERCENTILES("percentiles");

    /** Lower percentile for {@link #PERCENTILES}. */
    public static final double LOW_PERCENTILE = 1.0;
    /** Upper percentile for {@link #PERCENTILES}. */
    public static final double HIGH_PERCENTILE = 99.8;

    private final String key;

    IntensityRange(String key) {
        this.key = key;
    }

    /** The macro value. */
    public String key() { return key; }

    /**
     * @throws IllegalArgumentException naming the allowed values
     */
    public static IntensityRange of(String text) {
        String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        for (IntensityRange r : values()) {
            if (r.key.equals(t) || (r == PERCENTILES && t.equals("percentile"))) {
                return r;
            }
        }
        throw new IllegalArgumentException("range: '" + text + "' is not one of [display, percentiles]");
    }
}
