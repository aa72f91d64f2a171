package atelier.imagej;

import ij.plugin.frame.Recorder;

/**
 * Records a dialog run for the macro recorder with exactly the keys the command reads back, so a recorded
 * {@code run("Style Transfer...", "...")} replays to the same settings. What the dialog recorded by itself (keys
 * derived from labels) is discarded first.
 */
final class MacroRecording {

    private MacroRecording() { }

    static void record(TransferSettings settings) {
        Recorder.resetCommandOptions();
        MacroOptions.parse(settings.toMacroOptions()).asMap().forEach(Recorder::recordOption);
    }
}
