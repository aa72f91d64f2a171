/**
 * The ImageJ 1.x / Fiji host of Atelier: the {@code Style Transfer...} command ({@link atelier.imagej.StyleTransfer_}),
 * its dialog and macro options (both derived from the strategies' {@code ParameterSpec}s), conversions between
 * ImageJ planes and {@code FloatImage}, and the per-JVM host session ({@link atelier.imagej.AtelierSession}).
 */
package atelier.imagej;
