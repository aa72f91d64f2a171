package atelier.imagej;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

import ij.plugin.frame.Recorder;

/** Recorder output → macro replay → the same settings (the round trip that keeps recorded macros working). */
class MacroRecordingTest {
    private final FakeStyleTransferService service = new FakeStyleTransferService();

    @Test
    void recordedOptionsReplayToTheSameSettings() {
        Recorder.recordOption("style", "label-derived junk the dialog recorded");
        TransferSettings s = SettingsParser.parse("style=[/some dir/ihc.png] strategy=all-types gamma=0.125 "
                + "adain_init=false prompt=[a cat in oils] seed=123 model=[tiny sd]", service.strategies());
        MacroRecording.record(s);
        String recorded = Recorder.getCommandOptions();
        assertEquals("style=[/some dir/ihc.png] strategy=all-types gamma=0.125 steps=50 adain_init=false "
                + "layers=decoder prompt=[a cat in oils] seed=123 model=[tiny sd] range=display tile=1024 feather=8", recorded);
        assertEquals(s, SettingsParser.parse(recorded, service.strategies()));
    }
}
