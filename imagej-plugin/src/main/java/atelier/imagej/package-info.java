/**
 * The ImageJ 1.x / Fiji host of Atelier: the Plugins › Atelier commands ({@link atelier.imagej.StyleTransfer_},
 * {@link atelier.imagej.Batch_}, {@link atelier.imagej.ManageStrategies_}, {@link atelier.imagej.Models_},
 * {@link atelier.imagej.About_}), the Style Transfer dialog and macro options (both derived from the strategies'
 * {@code ParameterSpec}s, presets from {@code UiContribution} services), the command core that reads planes,
 * stacks, selections and large images ({@link atelier.imagej.StyleTransferCommand}), and the per-JVM host session
 * ({@link atelier.imagej.AtelierSession}).
 */
package atelier.imagej;
