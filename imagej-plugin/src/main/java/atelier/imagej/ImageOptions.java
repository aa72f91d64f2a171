package atelier.imagej;

import java.util.Locale;

import atelier.imagej.pixels.IntensityRange;

/**
 * How the command treats the ImageJ image, as opposed to the strategy's own parameters. Each has a stable macro
 * key (see {@link CommandKeys}):
 *
 * @param allPlanes {@code stack}: every plane of a stack or hyperstack (same seed for all), else the current plane
 * @param range     {@code range}: how 8/16/32-bit grey values map into [0, 1] ({@code display} or
 *                  {@code percentiles}); results go back to the same range
 * @param color     {@code color}: keep the strategy's colour result for grey content (else grey stays grey)
 * @param tile      {@code tile}: largest tile side in pixels; bigger planes are cut into overlapping pixel tiles,
 *                  for strategies that do not tile images themselves (one that does gets each plane whole and
 *                  this value is only recorded)
 * @param feather   {@code feather}: width in pixels of the soft edge when a selection limits the result
 */
public record ImageOptions(boolean allPlanes, IntensityRange range, boolean color, int tile, int feather) {
    /** Smallest allowed tile side. */
    public static final int MIN_TILE = 64;
    /** What the command uses for keys not given. */
    public static final ImageOptions DEFAULT = new ImageOptions(false, IntensityRange.DISPLAY, false, 1024, 8);

    public ImageOptions {
        if (range == null) {
            throw new IllegalArgumentException("range: must be display or percentiles");
        }
        if (tile < MIN_TILE || tile > 16384) {
            throw new IllegalArgumentException("tile: " + tile + " is out of range [" + MIN_TILE + ", 16384] "
                    + "(largest tile side in pixels)");
        }
        if (feather < 0 || feather > 500) {
            throw new IllegalArgumentException("feather: " + feather + " is out of range [0, 500] (soft edge of "
                    + "a selection, in pixels)");
        }
    }

    /** Appends the options to a macro options string, with the keys the parser reads. */
    void appendTo(StringBuilder sb) {
        if (allPlanes) {
            sb.append(' ').append(CommandKeys.STACK);
        }
        sb.append(' ').append(MacroOptions.format(CommandKeys.RANGE, range.key()));
        if (color) {
            sb.append(' ').append(CommandKeys.COLOR);
        }
        sb.append(' ').append(MacroOptions.format(CommandKeys.TILE, Integer.toString(tile)));
        sb.append(' ').append(MacroOptions.format(CommandKeys.FEATHER, Integer.toString(feather)));
    }

    /** Reads the options from parsed macro options; keys not given keep the defaults. */
    static ImageOptions parse(MacroOptions opts) {
        boolean all = bool(opts, CommandKeys.STACK, DEFAULT.allPlanes());
        IntensityRange range = opts.has(CommandKeys.RANGE) ? IntensityRange.of(opts.get(CommandKeys.RANGE))
                : DEFAULT.range();
        boolean color = bool(opts, CommandKeys.COLOR, DEFAULT.color());
        int tile = integer(opts, CommandKeys.TILE, DEFAULT.tile());
        int feather = integer(opts, CommandKeys.FEATHER, DEFAULT.feather());
        return new ImageOptions(all, range, color, tile, feather);
    }

    private static boolean bool(MacroOptions opts, String key, boolean fallback) {
        if (!opts.has(key)) {
            return fallback;
        }
        String v = opts.get(key).trim().toLowerCase(Locale.ROOT);
        switch (v) {
            case "true": case "yes": case "on": case "1":
                return true;
            case "false": case "no": case "off": case "0":
                return false;
            default:
                throw new IllegalArgumentException(key + ": '" + opts.get(key) + "' is not true or false");
        }
    }

    private static int integer(MacroOptions opts, String key, int fallback) {
        if (!opts.has(key)) {
            return fallback;
        }
        String v = opts.get(key).trim();
        try {
            double d = Double.parseDouble(v);
            if (d != Math.rint(d)) {
                throw new NumberFormatException();
            }
            return (int) d;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + ": '" + v + "' is not a whole number");
        }
    }
}
