package atelier.imagej;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.IndexColorModel;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import atelier.api.ProgressListener;
import ij.CompositeImage;
import ij.ImagePlus;
import ij.ImageStack;
import ij.gui.Line;
import ij.gui.OvalRoi;
import ij.gui.PointRoi;
import ij.gui.Roi;
import ij.macro.Interpreter;
import ij.process.ByteProcessor;
import ij.process.ColorProcessor;
import ij.process.FloatProcessor;
import ij.process.ImageProcessor;
import ij.process.ShortProcessor;

/**
 * Every ImageJ image kind through the command core (plain ImageJ, headless, fake service): types and ranges,
 * percentiles, colour on request, stacks and composite hyperstacks, tiles, selections. The fake service blends
 * each pixel towards the style's mean colour by {@code strength}, pixel by pixel, so with {@code strength=0} the
 * result must give back the content exactly, and tiled results must equal untiled ones.
 */
class ImageHandlingTest {
    private final FakeStyleTransferService service = new FakeStyleTransferService();
    private final StyleTransferCommand command = new StyleTransferCommand(service, () -> false,
            ProgressListener.NONE);

    @BeforeAll
    static void batchMode() {
        Interpreter.batchMode = true;
    }

    @AfterAll
    static void noBatchMode() {
        Interpreter.batchMode = false;
    }

    @BeforeEach
    void reset() {
        FakeStyleTransferService.CALLS.set(0);
    }

    private ImagePlus run(ImagePlus content, String options) throws Exception {
        String style = HeadlessMacroTest.shared("images/ihc.png").toString();
        return command.run(content, SettingsParser.parse("style=[" + style + "] " + options, service.strategies()));
    }

    private static ImagePlus ramp(ImageProcessor ip) {
        for (int i = 0; i < ip.getPixelCount(); i++) {
            ip.setf(i, (float) (i % 251));
        }
        return new ImagePlus("ramp", ip);
    }

    @Test
    void eachGreyTypeComesBackInItsOwnTypeAndRangeUnchangedAtStrengthZero() throws Exception {
        ImageProcessor[] planes = {new ByteProcessor(30, 20), new ShortProcessor(30, 20), new FloatProcessor(30, 20)};
        for (ImageProcessor ip : planes) {
            ImagePlus content = ramp(ip);
            content.getProcessor().setMinAndMax(0, 250);
            ImagePlus out = run(content, "strength=0");
            assertEquals(content.getBitDepth(), out.getBitDepth(), "type of " + ip);
            assertEquals(0, out.getProcessor().getMin(), 1e-9);
            assertEquals(250, out.getProcessor().getMax(), 1e-9);
            for (int i = 0; i < ip.getPixelCount(); i++) {
                assertEquals(content.getProcessor().getf(i), out.getProcessor().getf(i), 1e-3, ip + " pixel " + i);
            }
        }
    }

    @Test
    void greyBecomesColourOnlyWhenAskedFor() throws Exception {
        ImagePlus content = ramp(new ShortProcessor(16, 12));
        assertEquals(16, run(content, "").getBitDepth());
        assertEquals(24, run(content, "color").getBitDepth());
        assertTrue(run(content, "color").getProp(StyleTransferCommand.OPTIONS_PROPERTY).contains(" color "));
    }

    @Test
    void rgbAndIndexedColourGiveRgb() throws Exception {
        ColorProcessor cp = new ColorProcessor(20, 10);
        cp.setColor(java.awt.Color.ORANGE);
        cp.fill();
        assertEquals(24, run(new ImagePlus("rgb", cp), "").getBitDepth());
        assertEquals(3, FakeStyleTransferService.lastRequest.content().channels());

        byte[] r = new byte[256];
        byte[] g = new byte[256];
        byte[] b = new byte[256];
        for (int i = 1; i < 256; i++) {
            r[i] = (byte) (i * 37);
            g[i] = (byte) (i * 91);
            b[i] = (byte) (i * 53);
        }
        b[0] = (byte) 255;
        ByteProcessor indexed = new ByteProcessor(20, 10, new byte[200], new IndexColorModel(8, 256, r, g, b));
        ImagePlus imp = new ImagePlus("indexed", indexed) {
            { // what the GIF / indexed-colour readers do
                setType(COLOR_256);
            }
        };
        ImagePlus out = run(imp, "strength=0");
        assertEquals(24, out.getBitDepth());
        assertEquals(0xff0000ff, ((ColorProcessor) out.getProcessor()).get(0, 0), "index 0 is blue in the LUT");
    }

    @Test
    void percentilesMapTheDataNotTheDisplayRangeAndClipOutliers() throws Exception {
        short[] px = new short[100 * 10];
        for (int i = 0; i < px.length; i++) {
            px[i] = (short) (1000 + (i % 100));
        }
        px[0] = (short) 60000; // one hot pixel
        ShortProcessor sp = new ShortProcessor(100, 10, px, null);
        sp.setMinAndMax(0, 65535);
        ImagePlus out = run(new ImagePlus("hot", sp), "strength=0 range=percentiles");
        float[] sent = FakeStyleTransferService.lastRequest.content().data();
        assertEquals(1f, sent[0], "the hot pixel is clipped to 1");
        assertTrue(sent[1] < 0.02f && sent[98] > 0.95f, "1st..99.8th percentile spread over [0, 1]");
        assertEquals(1001, out.getProcessor().get(1, 0), "values inside the range come back unchanged");
        assertEquals(1098, out.getProcessor().get(98, 0));
        String info = (String) out.getProperty("Info");
        assertTrue(info.contains("image.range: 1001 – 1099") || info.contains("image.range: 1000 – 1099")
                || info.contains("image.range: 1001 – 1098"), info);
    }

    @Test
    void currentPlaneOrAllPlanesOfAStackWithLabelsAndCalibration() throws Exception {
        ImageStack stack = new ImageStack(12, 8);
        for (int i = 0; i < 4; i++) {
            ByteProcessor bp = new ByteProcessor(12, 8);
            bp.setValue(40 * i);
            bp.fill();
            stack.addSlice("z" + i, bp);
        }
        ImagePlus content = new ImagePlus("stack.tif", stack);
        content.getCalibration().pixelDepth = 2.5;
        content.setProperty("Info", "original info");
        content.setProp("experiment", "42");
        content.setSlice(3);
        ImagePlus one = run(content, "strength=0");
        assertEquals(1, one.getStackSize());
        assertEquals(80, one.getProcessor().get(0, 0), "the current (third) plane");
        assertEquals(1, FakeStyleTransferService.CALLS.get());

        ImagePlus all = run(content, "strength=0 stack seed=9");
        assertEquals(4, all.getStackSize());
        assertEquals(5, FakeStyleTransferService.CALLS.get());
        assertEquals(9, FakeStyleTransferService.lastRequest.seed(), "one seed for all planes");
        for (int i = 0; i < 4; i++) {
            assertEquals(40 * i, all.getStack().getProcessor(i + 1).get(5, 5));
            assertEquals("z" + i, all.getStack().getSliceLabel(i + 1));
        }
        assertEquals(2.5, all.getCalibration().pixelDepth);
        assertEquals("42", all.getProp("experiment"));
        assertEquals("original info", all.getProp("atelier.content.info"));
        assertTrue(((String) all.getProperty("Info")).contains("image.planes: all 4 planes"));
    }

    @Test
    void compositeHyperstackKeepsItsLayoutModeAndLuts() throws Exception {
        ImageStack stack = new ImageStack(10, 10);
        for (int i = 0; i < 2 * 3 * 2; i++) {
            ShortProcessor sp = new ShortProcessor(10, 10);
            sp.setValue(100 * i);
            sp.fill();
            stack.addSlice(sp);
        }
        ImagePlus imp = new ImagePlus("cells", stack);
        imp.setDimensions(2, 3, 2);
        imp.setOpenAsHyperStack(true);
        CompositeImage comp = new CompositeImage(imp, ij.IJ.COMPOSITE);
        comp.setChannelLut(ij.process.LUT.createLutFromColor(java.awt.Color.GREEN), 2);
        comp.setPosition(1, 1, 1);
        comp.setDisplayRange(0, 2000);
        comp.setPosition(2, 1, 1);
        comp.setDisplayRange(0, 1500);
        ImagePlus out = run(comp, "strength=0 stack");
        assertTrue(out.isComposite(), "still a composite");
        assertEquals(2, out.getNChannels());
        assertEquals(3, out.getNSlices());
        assertEquals(2, out.getNFrames());
        assertEquals(16, out.getBitDepth());
        assertEquals(java.awt.Color.GREEN.getRGB(), ((CompositeImage) out).getChannelLut(2).getRGB(255));
        assertEquals(1500, ((CompositeImage) out).getChannelLut(2).max, 1e-9);
        for (int i = 1; i <= 12; i++) {
            assertEquals(Math.min(100 * (i - 1), i % 2 == 1 ? 2000 : 1500), out.getStack().getProcessor(i).get(3, 3),
                    "plane " + i + " comes back within its channel's display range");
        }
    }

    @Test
    void tiledResultEqualsTheUntiledOneAndUsesEveryTile() throws Exception {
        ColorProcessor cp = new ColorProcessor(150, 100);
        for (int i = 0; i < cp.getPixelCount(); i++) {
            cp.set(i, (i * 37) & 0xffffff);
        }
        ImagePlus content = new ImagePlus("big", cp);
        ImagePlus whole = run(content, "strength=0.5");
        FakeStyleTransferService.CALLS.set(0);
        ImagePlus tiled = run(content, "strength=0.5 tile=64");
        assertTrue(FakeStyleTransferService.CALLS.get() >= 6, "tiles: " + FakeStyleTransferService.CALLS.get());
        assertEquals(64, FakeStyleTransferService.lastRequest.content().width());
        int[] a = (int[]) whole.getProcessor().getPixels();
        int[] b = (int[]) tiled.getProcessor().getPixels();
        for (int i = 0; i < a.length; i++) {
            for (int shift = 0; shift < 24; shift += 8) {
                assertTrue(Math.abs(((a[i] >> shift) & 0xff) - ((b[i] >> shift) & 0xff)) <= 1, "pixel " + i);
            }
        }
        assertTrue(((String) tiled.getProperty("Info")).contains("image.tiles: "));
    }

    @Test
    void aSelectionChangesOnlyItsInsideWithASoftEdge() throws Exception {
        ByteProcessor bp = new ByteProcessor(240, 120);
        bp.setValue(10);
        bp.fill();
        ImagePlus content = new ImagePlus("grey", bp);
        content.setRoi(new OvalRoi(20, 30, 80, 60));
        ImagePlus out = run(content, "strength=1 feather=10");
        ImageProcessor r = out.getProcessor();
        assertEquals(10, r.get(5, 5), "outside the selection nothing changes");
        assertEquals(10, r.get(21, 31), "the oval's bounding-box corner is outside the oval");
        int centre = r.get(60, 60);
        assertTrue(centre != 10, "the inside is stylised");
        int edge = r.get(22, 60); // 2 px inside the oval's left edge
        assertTrue(Math.abs(edge - 10) < Math.abs(centre - 10), "soft edge: " + edge + " vs centre " + centre);
        assertEquals(10, r.get(200, 60), "far outside");
        assertEquals(20 + 80 + 32, FakeStyleTransferService.lastRequest.content().width(),
                "only the selection's region and a margin are stylised");
        assertArrayEquals(new int[] {10}, new int[] {content.getProcessor().get(60, 60)}, "content untouched");
    }

    @Test
    void lineSelectionsUseTheirAreaAndPointsAreRefused() throws Exception {
        ByteProcessor bp = new ByteProcessor(80, 80);
        ImagePlus content = new ImagePlus("grey", bp);
        Line line = new Line(10, 40, 70, 40);
        line.setStrokeWidth(10);
        content.setRoi(line);
        ImagePlus out = run(content, "strength=1 feather=0");
        assertTrue(out.getProcessor().get(40, 40) != 0, "on the wide line");
        assertEquals(0, out.getProcessor().get(40, 10), "off the line");

        content.setRoi(new PointRoi(5, 5));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> run(content, ""));
        assertTrue(e.getMessage().contains("point selection"), e.getMessage());
        content.setRoi((Roi) null);
    }
}
