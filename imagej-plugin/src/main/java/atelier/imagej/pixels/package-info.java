/**
 * Pixels between ImageJ and the API's {@code FloatImage}: grey value mapping (display range or percentiles) in
 * and back out, luminance for grey results, overlapping tiles with feathered blending for large planes, and
 * blending a result into a selection with a soft edge. No user interface here.
 */
package atelier.imagej.pixels;
