package atelier.imagej;

import java.util.List;

/** The macro keys the command itself owns; every other key is a parameter of the chosen strategy. */
public final class CommandKeys {
    /** Title of an open image or an image file path. */
    public static final String STYLE = "style";
    /** Strategy id. */
    public static final String STRATEGY = "strategy";
    /** Random seed (whole number). */
    public static final String SEED = "seed";
    /** Model name from the model store or a path (optional). */
    public static final String MODEL = "model";
    /** Every plane of a stack or hyperstack (bare key = true), else only the current plane. */
    public static final String STACK = "stack";
    /** Grey value mapping into [0, 1]: {@code display} or {@code percentiles}. */
    public static final String RANGE = "range";
    /** Keep a colour result for grey content (bare key = true). */
    public static final String COLOR = "color";
    /** Largest pixel tile side, for strategies that do not tile images themselves. */
    public static final String TILE = "tile";
    /** Soft edge of a selection, in pixels. */
    public static final String FEATHER = "feather";
    /** All of them. A strategy parameter may not use one of these keys. */
    public static final List<String> ALL = List.of(STYLE, STRATEGY, SEED, MODEL, STACK, RANGE, COLOR, TILE, FEATHER);
    /** The strategy used when none is named. */
    public static final String DEFAULT_STRATEGY = "latent-stats";

    private CommandKeys() { }
}
