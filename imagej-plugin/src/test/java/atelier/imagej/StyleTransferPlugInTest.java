package atelier.imagej;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.awt.event.KeyEvent;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import ij.IJ;
import ij.ImagePlus;
import ij.Macro;
import ij.WindowManager;
import ij.macro.Interpreter;
import ij.process.ByteProcessor;

/**
 * The whole plugin on plain ImageJ 1.x, headless, the way {@code IJ.run} calls it: options set for a thread named
 * {@code Run$_…} (PLATFORM.md §C.2), the current image as content, the result shown as a new image.
 */
class StyleTransferPlugInTest {

    @BeforeAll
    static void setUp() {
        AtelierSession.useService(new FakeStyleTransferService());
        Interpreter.batchMode = true;
    }

    @AfterAll
    static void tearDown() {
        AtelierSession.useService(null);
        Interpreter.batchMode = false;
    }

    @AfterEach
    void noDelay() {
        FakeStyleTransferService.stepMillis = 0;
        FakeStyleTransferService.lastRequest = null;
    }

    /** Runs the plugin on a Run$_ thread with the given options; returns the current image afterwards. */
    private static ImagePlus runPlugIn(ImagePlus content, String options) throws Exception {
        AtomicReference<ImagePlus> after = new AtomicReference<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                Interpreter.addBatchModeImage(content);
                WindowManager.setTempCurrentImage(content);
                Macro.setOptions(Thread.currentThread(), options);
                IJ.runPlugIn(StyleTransfer_.class.getName(), "");
                after.set(WindowManager.getCurrentImage());
            } catch (Throwable e) {
                failure.set(e);
            } finally {
                Macro.setOptions(Thread.currentThread(), null);
            }
        }, "Run$_atelier-test");
        t.start();
        t.join(30_000);
        if (failure.get() != null) {
            throw new AssertionError("the plugin threw", failure.get());
        }
        return after.get();
    }

    private static ImagePlus greyContent() {
        byte[] px = new byte[32 * 24];
        for (int i = 0; i < px.length; i++) {
            px[i] = (byte) i;
        }
        return new ImagePlus("grey.png", new ByteProcessor(32, 24, px));
    }

    @Test
    void macroOptionsRunTheTransferAndShowANewImage() throws Exception {
        ImagePlus content = greyContent();
        byte[] before = ((byte[]) content.getProcessor().getPixels()).clone();
        String style = HeadlessMacroTest.shared("images/ihc.png").toString();
        ImagePlus result = runPlugIn(content, "style=[" + style + "] method=wct keep_colors seed=5 ");
        assertNotSame(content, result);
        assertEquals("grey.png-latent-stats", result.getTitle());
        assertEquals(32, result.getWidth());
        assertEquals(24, result.getHeight());
        assertEquals(8, result.getBitDepth(), "grey content stays grey");
        assertArrayEquals(before, (byte[]) content.getProcessor().getPixels());
        assertEquals("true", FakeStyleTransferService.lastParameters().get("keep_colors"));
        assertEquals(5, FakeStyleTransferService.lastRequest.seed());
        Interpreter.removeBatchModeImage(result);
        Interpreter.removeBatchModeImage(content);
    }

    @Test
    void aBadValueRunsNothingAndCreatesNoImage() throws Exception {
        ImagePlus content = greyContent();
        String style = HeadlessMacroTest.shared("images/ihc.png").toString();
        ImagePlus current = runPlugIn(content, "style=[" + style + "] method=gram");
        assertSame(content, current);
        assertEquals(null, FakeStyleTransferService.lastRequest);
        Interpreter.removeBatchModeImage(content);
    }

    @Test
    void escapeCancelsAndCreatesNoImage() throws Exception {
        FakeStyleTransferService.stepMillis = 200;
        ImagePlus content = greyContent();
        String style = HeadlessMacroTest.shared("images/ihc.png").toString();
        Thread presser = new Thread(() -> {
            try {
                Thread.sleep(400);
            } catch (InterruptedException e) {
                return;
            }
            IJ.setKeyDown(KeyEvent.VK_ESCAPE);
        });
        presser.start();
        // the run takes 10 × 200 ms; Esc comes after 400 ms, so a result image would mean it was ignored
        ImagePlus current = runPlugIn(content, "style=[" + style + "]");
        assertSame(content, current, "a cancelled run must not leave a result");
        IJ.resetEscape();
        Interpreter.removeBatchModeImage(content);
    }
}
