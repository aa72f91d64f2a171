package atelier.imagej;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import atelier.api.ProgressListener;
import atelier.api.TransferException;
import atelier.api.TransferRequest;
import ij.ImagePlus;
import ij.ImageStack;
import ij.WindowManager;
import ij.macro.Interpreter;
import ij.measure.Calibration;
import ij.process.ByteProcessor;
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

    @BeforeEach
    void resetSessions() {
        FakeStyleTransferService.resetSessions();
    }

    @AfterEach
    void noSleeping() {
        FakeStyleTransferService.stepMillis = 0;
    }

    /** A {@code planes}-plane 8-bit stack, {@code width × height}, plane {@code i} filled with a ramp plus 40 i. */
    private static ImagePlus stack(int width, int height, int planes) {
        ImageStack stack = new ImageStack(width, height);
        for (int i = 0; i < planes; i++) {
            ByteProcessor bp = new ByteProcessor(width, height);
            for (int p = 0; p < width * height; p++) {
                bp.set(p, (p % width + 40 * i) & 0xff);
            }
            stack.addSlice("z" + i, bp);
        }
        return new ImagePlus("stack.tif", stack);
    }

    /** The one session the last command opened; it must be closed. */
    private static FakeStyleTransferService.Session theOneClosedSession() {
        assertEquals(1, FakeStyleTransferService.SESSIONS.size(), "sessions opened by one command");
        FakeStyleTransferService.Session session = FakeStyleTransferService.SESSIONS.get(0);
        assertTrue(session.closed(), "the command left its session open");
        assertEquals(0, FakeStyleTransferService.DIRECT.get(), "transfers that bypassed the session");
        return session;
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

    @Test
    void everyPlaneOfAStackRunsInOneSessionThatIsClosedAfterwards() throws Exception {
        ImagePlus out = command.run(stack(20, 10, 3), settings(HeadlessMacroTest.shared("images/ihc.png").toString(),
                "stack seed=4"));
        assertEquals(3, out.getStackSize());
        FakeStyleTransferService.Session session = theOneClosedSession();
        assertEquals(3, session.requests.size(), "one request per plane");
        for (TransferRequest r : session.requests) {
            assertEquals(4, r.seed());
            assertEquals(20, r.content().width());
        }
        for (int i = 0; i < 3; i++) {
            assertEquals((19 + 40 * i) / 255f, session.requests.get(i).content().get(0, 0, 19), 1e-6f,
                    "plane " + (i + 1) + " in its place");
        }
    }

    @Test
    void aCancelledRunClosesItsSessionAndStopsAfterThePlaneItCancelled() {
        FakeStyleTransferService.stepMillis = 100;
        AtomicBoolean escape = new AtomicBoolean();
        StyleTransferCommand cancelling = new StyleTransferCommand(service, escape::get,
                (phase, done, total) -> escape.set(done >= 3));
        TransferException e = assertThrows(TransferException.class, () -> cancelling.run(stack(20, 10, 3),
                settings(HeadlessMacroTest.shared("images/ihc.png").toString(), "stack")));
        assertEquals(TransferException.Kind.CANCELLED, e.kind());
        FakeStyleTransferService.Session session = theOneClosedSession();
        assertEquals(1, session.requests.size(), "planes after the cancelled one were sent");
        assertTrue(FakeStyleTransferService.lastCancelled, "the service saw the cancellation");
    }

    @Test
    void aFailedRunClosesItsSession() {
        TransferSettings unchecked = new TransferSettings(HeadlessMacroTest.shared("images/ihc.png").toString(),
                "latent-stats", java.util.Map.of("strength", "7"), 1, "");
        assertThrows(TransferException.class, () -> command.run(content16(), unchecked));
        theOneClosedSession();
    }

    @Test
    void aStrategyThatTilesItselfGetsEachLargePlaneWhole() throws Exception {
        FakeStyleTransferService tiling = new FakeStyleTransferService().tilingItself("all-types");
        StyleTransferCommand whole = new StyleTransferCommand(tiling, () -> false, ProgressListener.NONE);
        String style = HeadlessMacroTest.shared("images/ihc.png").toString();
        ImagePlus out = whole.run(stack(300, 200, 2), SettingsParser.parse("style=[" + style + "] strategy=all-types "
                + "stack tile=64", tiling.strategies()));
        FakeStyleTransferService.Session session = theOneClosedSession();
        assertEquals(2, session.requests.size(), "one request per plane, no pixel tiles");
        for (TransferRequest r : session.requests) {
            assertEquals(300, r.content().width());
            assertEquals(200, r.content().height());
        }
        String info = (String) out.getProperty("Info");
        assertTrue(info.contains("image.tiling: by the strategy (each plane's 300×200 px sent whole; the tile option "
                + "is not used)\n"), info);
        assertFalse(info.contains("image.tiles:"), info);
        assertFalse(info.contains("cut the plane into tiles"), "the CLI also sends the whole image:\n" + info);
        assertTrue(info.contains("tile=64"), "the option is still recorded:\n" + info);
    }

    @Test
    void aStrategyThatDoesNotTileItselfGetsPixelTilesInOneSession() throws Exception {
        ImagePlus out = command.run(stack(300, 200, 2), settings(HeadlessMacroTest.shared("images/ihc.png")
                .toString(), "stack tile=128"));
        FakeStyleTransferService.Session session = theOneClosedSession();
        List<TransferRequest> requests = session.requests;
        assertEquals(2 * 3 * 2, requests.size(), "2 planes of 3 × 2 tiles of 128 px (overlap 32)");
        for (TransferRequest r : requests) {
            assertTrue(r.content().width() <= 128 && r.content().height() <= 128,
                    r.content().width() + "×" + r.content().height());
        }
        String info = (String) out.getProperty("Info");
        assertTrue(info.contains("image.tiles: 6 pixel tiles of at most 128 px per plane, overlap 32 px\n"), info);
        assertFalse(info.contains("image.tiling:"), info);
    }

    @Test
    void aSelfTilingStrategyGetsTheSelectionRegionWhole() throws Exception {
        FakeStyleTransferService tiling = new FakeStyleTransferService().tilingItself("latent-stats");
        ImagePlus content = stack(300, 200, 1);
        content.setRoi(new ij.gui.Roi(100, 60, 120, 90));
        ImagePlus out = new StyleTransferCommand(tiling, () -> false, ProgressListener.NONE).run(content,
                SettingsParser.parse("style=[" + HeadlessMacroTest.shared("images/ihc.png") + "] tile=64 feather=4",
                        tiling.strategies()));
        FakeStyleTransferService.Session session = theOneClosedSession();
        assertEquals(1, session.requests.size());
        TransferRequest r = session.requests.get(0);
        assertEquals(120 + 2 * 32, r.content().width(), "the selection's bounds plus the 32 px margin");
        assertEquals(90 + 2 * 32, r.content().height());
        assertEquals(300, out.getWidth());
    }
}
