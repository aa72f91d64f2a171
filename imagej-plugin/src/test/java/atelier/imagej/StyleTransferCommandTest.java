package atelier.imagej;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import atelier.api.ProgressListener;
import atelier.api.TransferException;
import ij.ImagePlus;
import ij.WindowManager;
import ij.macro.Interpreter;
import ij.measure.Calibration;
import ij.process.ColorProcessor;
import ij.process.ShortProcessor;

/** The GUI-free command core on plain (unpatched) ImageJ 1.x, headless, with the fake service. */
class StyleTransferCommandTest {
    private final FakeStyleTransferService service = new FakeStyleTransferService();
    private final StyleTransferCommand command = new StyleTransferCommand(service, () -> false,
            ProgressListener.NONE);

    @BeforeAll
    static void batchMode() {
        Interpreter.batchMode = true; // open images live in the batch-mode list, as in a headless macro
    }

    @AfterAll
    static void noBatchMode() {
        Interpreter.batchMode = false;
    }

    private static ImagePlus content16() {
        short[] px = new short[20 * 10];
        for (int i = 0; i < px.length; i++) {
            px[i] = (short) (1000 + 10 * i);
        }
        ShortProcessor sp = new ShortProcessor(20, 10, px, null);
        sp.setMinAndMax(1000, 3000);
        ImagePlus imp = new ImagePlus("cells.tif", sp);
        Calibration cal = imp.getCalibration();
        cal.pixelWidth = 0.5;
        cal.pixelHeight = 0.25;
        cal.setUnit("um");
        return imp;
    }

    private TransferSettings settings(String style, String options) {
        return SettingsParser.parse("style=[" + style + "] " + options, service.strategies());
    }

    @Test
    void stylisesSixteenBitContentWithAStyleFileIntoANewSixteenBitImage() throws Exception {
        ImagePlus content = content16();
        short[] before = ((short[]) content.getProcessor().getPixels()).clone();
        Path style = HeadlessMacroTest.shared("images/ihc.png");

        ImagePlus out = command.run(content, settings(style.toString(), "method=wct strength=0.5 seed=11"));

        assertNotSame(content, out);
        assertEquals("cells.tif-latent-stats", out.getTitle());
        assertEquals(20, out.getWidth());
        assertEquals(10, out.getHeight());
        assertTrue(out.getProcessor() instanceof ShortProcessor, "grey content stays grey (16-bit)");
        assertEquals(1000, out.getProcessor().getMin());
        assertEquals(3000, out.getProcessor().getMax());
        assertEquals(0.5, out.getCalibration().pixelWidth);
        assertEquals(0.25, out.getCalibration().pixelHeight);
        assertEquals("µm", out.getCalibration().getUnit());
        assertArrayEquals(before, (short[]) content.getProcessor().getPixels(), "the content was modified");
        assertEquals(1000, content.getProcessor().getMin());

        assertEquals(1, FakeStyleTransferService.lastRequest.content().channels());
        assertEquals(0f, FakeStyleTransferService.lastRequest.content().get(0, 0, 0));
        assertEquals(3, FakeStyleTransferService.lastRequest.style().channels());
        assertEquals(11, FakeStyleTransferService.lastRequest.seed());
        assertTrue(FakeStyleTransferService.lastRequest.model().isEmpty());

        String info = (String) out.getProperty("Info");
        assertTrue(info.startsWith(ProvenanceInfo.HEADER), info);
        for (String expected : new String[] {"strategy: latent-stats", "bundle: atelier.strategy.latentstats 0.1.0",
                "parameter.method: wct", "parameter.strength: 0.5", "parameter.autoencoder: taef2",
                "parameter.keep_colors: false", "seed: 11", "style: " + style}) {
            assertTrue(info.contains(expected + "\n"), "Info lacks '" + expected + "':\n" + info);
        }
        assertEquals(settings(style.toString(), "method=wct strength=0.5 seed=11").toMacroOptions(),
                out.getProp(StyleTransferCommand.OPTIONS_PROPERTY));
    }

    @Test
    void styleMayBeAnOpenImageByTitleAndGreyResultsStayGrey() throws Exception {
        ImagePlus style = new ImagePlus("my style", new ColorProcessor(8, 6));
        Interpreter.addBatchModeImage(style);
        try {
            ImagePlus content = content16();
            ImagePlus out = command.run(content, settings("my style", "strategy=all-types model=[my model]"));
            assertEquals(8, FakeStyleTransferService.lastRequest.style().width());
            assertEquals("my model", FakeStyleTransferService.lastRequest.model().orElseThrow());
            String info = (String) out.getProperty("Info");
            assertTrue(info.contains("model: my model\n") && info.contains("model.sha256: ab12cd34\n"), info);
            assertTrue(info.contains("--model 'my model'"), info);
        } finally {
            Interpreter.removeBatchModeImage(style);
        }
    }

    @Test
    void missingStyleNamesTheOpenImages() {
        ImagePlus other = new ImagePlus("other image", new ColorProcessor(4, 4));
        Interpreter.addBatchModeImage(other);
        try {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> command.run(content16(), settings("no such thing", "")));
            assertTrue(e.getMessage().contains("'no such thing'") && e.getMessage().contains("other image"),
                    e.getMessage());
        } finally {
            Interpreter.removeBatchModeImage(other);
        }
        assertTrue(WindowManager.getImage("other image") == null);
    }

    @Test
    void aFileThatIsNoImageIsNamed() throws Exception {
        Path notImage = java.nio.file.Files.createTempFile("atelier", ".txt");
        try {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> command.run(content16(), settings(notImage.toString(), "")));
            assertTrue(e.getMessage().contains(notImage.toString()), e.getMessage());
        } finally {
            java.nio.file.Files.delete(notImage);
        }
    }

    @Test
    void serviceRejectionsArriveAsBadInput() {
        TransferSettings unchecked = new TransferSettings(HeadlessMacroTest.shared("images/ihc.png").toString(),
                "latent-stats", java.util.Map.of("strength", "7"), 1, "");
        TransferException e = assertThrows(TransferException.class, () -> command.run(content16(), unchecked));
        assertEquals(TransferException.Kind.BAD_INPUT, e.kind());
    }
}
