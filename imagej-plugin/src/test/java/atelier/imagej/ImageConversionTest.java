package atelier.imagej;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.IndexColorModel;

import org.junit.jupiter.api.Test;

import atelier.api.FloatImage;
import ij.ImagePlus;
import ij.ImageStack;
import ij.process.ByteProcessor;
import ij.process.ColorProcessor;
import ij.process.FloatProcessor;
import ij.process.ImageProcessor;
import ij.process.ShortProcessor;

class ImageConversionTest {
    private static final float EPS = 1e-6f;

    @Test
    void eightBitGreyIsScaledByItsDisplayRange() {
        ByteProcessor bp = new ByteProcessor(3, 1, new byte[] {0, (byte) 51, (byte) 255});
        FloatImage f = ImageConversion.toFloatImage(new ImagePlus("b", bp));
        assertEquals(1, f.channels());
        assertArrayEquals(new float[] {0f, 0.2f, 1f}, f.data(), EPS);
        bp.setMinAndMax(51, 153);
        assertArrayEquals(new float[] {0f, 0f, 1f}, ImageConversion.toFloatImage(new ImagePlus("b", bp)).data(),
                EPS);
    }

    @Test
    void invertedLutIsWhatTheUserSees() {
        ByteProcessor bp = new ByteProcessor(2, 1, new byte[] {0, (byte) 255});
        bp.invertLut();
        assertArrayEquals(new float[] {1f, 0f}, ImageConversion.toFloatImage(new ImagePlus("b", bp)).data(), EPS);
    }

    @Test
    void sixteenBitUsesTheDisplayRangeAndClips() {
        ShortProcessor sp = new ShortProcessor(4, 1, new short[] {100, 200, 300, (short) 60000}, null);
        sp.setMinAndMax(100, 300);
        FloatImage f = ImageConversion.toFloatImage(new ImagePlus("s", sp));
        assertArrayEquals(new float[] {0f, 0.5f, 1f, 1f}, f.data(), EPS);
    }

    @Test
    void thirtyTwoBitUsesTheDisplayRangeAndZeroesNaN() {
        FloatProcessor fp = new FloatProcessor(4, 1, new float[] {-1f, 0f, 1f, Float.NaN});
        fp.setMinAndMax(-1, 1);
        assertArrayEquals(new float[] {0f, 0.5f, 1f, 0f},
                ImageConversion.toFloatImage(new ImagePlus("f", fp)).data(), EPS);
    }

    @Test
    void flatImageDoesNotDivideByZero() {
        FloatProcessor fp = new FloatProcessor(2, 1, new float[] {3f, 3f});
        fp.setMinAndMax(3, 3);
        float[] d = ImageConversion.toFloatImage(new ImagePlus("f", fp)).data();
        assertTrue(Float.isFinite(d[0]) && Float.isFinite(d[1]));
    }

    @Test
    void rgbIsThreePlanes() {
        ColorProcessor cp = new ColorProcessor(2, 1, new int[] {0xff0000, 0x00ff33});
        FloatImage f = ImageConversion.toFloatImage(new ImagePlus("c", cp));
        assertEquals(3, f.channels());
        assertArrayEquals(new float[] {1f, 0f, 0f, 1f, 0f, 0.2f}, f.data(), EPS);
    }

    @Test
    void indexedColourIsConvertedThroughItsLut() {
        byte[] r = new byte[256];
        byte[] g = new byte[256];
        byte[] b = new byte[256];
        r[1] = (byte) 255;
        b[2] = (byte) 255;
        ByteProcessor bp = new ByteProcessor(2, 1, new byte[] {1, 2}, new IndexColorModel(8, 256, r, g, b));
        ImagePlus imp = new ImagePlus("lut", bp) {
            { // what the GIF/indexed-colour readers do
                setType(COLOR_256);
            }
        };
        FloatImage f = ImageConversion.toFloatImage(imp);
        assertEquals(3, f.channels());
        assertArrayEquals(new float[] {1f, 0f, 0f, 0f, 0f, 1f}, f.data(), EPS);
    }

    @Test
    void onlyTheCurrentPlaneIsRead() {
        ImageStack stack = new ImageStack(2, 1);
        stack.addSlice(new ByteProcessor(2, 1, new byte[] {0, 0}));
        stack.addSlice(new ByteProcessor(2, 1, new byte[] {(byte) 255, (byte) 255}));
        ImagePlus imp = new ImagePlus("stack", stack);
        imp.setSlice(2);
        assertArrayEquals(new float[] {1f, 1f}, ImageConversion.toFloatImage(imp).data(), EPS);
    }

    @Test
    void conversionNeverChangesTheInput() {
        ShortProcessor sp = new ShortProcessor(2, 2, new short[] {1, 2, 3, 4}, null);
        sp.setMinAndMax(1, 4);
        ImagePlus imp = new ImagePlus("s", sp);
        ImageConversion.toFloatImage(imp);
        assertArrayEquals(new short[] {1, 2, 3, 4}, (short[]) imp.getProcessor().getPixels());
        assertEquals(1, imp.getProcessor().getMin());
        assertEquals(4, imp.getProcessor().getMax());
    }

    @Test
    void threeChannelResultsBecomeRgb() {
        FloatImage img = new FloatImage(2, 1, 3, new float[] {1f, 0f, 0f, 0.2f, 0.5f, 2f});
        ImageProcessor ip = ImageConversion.toProcessor(img, new ImagePlus("g", new ByteProcessor(2, 1)));
        assertTrue(ip instanceof ColorProcessor);
        assertEquals(0xffff0080, ((int[]) ip.getPixels())[0] | 0xff000000);
        assertEquals(0xff0033ff, ((int[]) ip.getPixels())[1] | 0xff000000);
    }

    @Test
    void greyResultsKeepTheContentsTypeAndDisplayRange() {
        ShortProcessor sp = new ShortProcessor(3, 1, new short[] {100, 200, 300}, null);
        sp.setMinAndMax(100, 300);
        ImagePlus content = new ImagePlus("s", sp);
        FloatImage f = ImageConversion.toFloatImage(content);
        ImageProcessor back = ImageConversion.toProcessor(f, content);
        assertTrue(back instanceof ShortProcessor);
        assertArrayEquals(new short[] {100, 200, 300}, (short[]) back.getPixels());
        assertEquals(100, back.getMin());
        assertEquals(300, back.getMax());

        FloatProcessor fp = new FloatProcessor(2, 1, new float[] {-1f, 1f});
        fp.setMinAndMax(-1, 1);
        ImagePlus floats = new ImagePlus("f", fp);
        ImageProcessor backF = ImageConversion.toProcessor(ImageConversion.toFloatImage(floats), floats);
        assertTrue(backF instanceof FloatProcessor);
        assertArrayEquals(new float[] {-1f, 1f}, (float[]) backF.getPixels(), EPS);

        ByteProcessor inv = new ByteProcessor(2, 1, new byte[] {10, (byte) 200});
        inv.invertLut();
        ImagePlus invImp = new ImagePlus("i", inv);
        ImageProcessor backB = ImageConversion.toProcessor(ImageConversion.toFloatImage(invImp), invImp);
        assertTrue(backB instanceof ByteProcessor && backB.isInvertedLut());
        assertArrayEquals(new byte[] {10, (byte) 200}, (byte[]) backB.getPixels());
    }

    @Test
    void greyResultOfColourContentIsEightBit() {
        ImagePlus rgb = new ImagePlus("c", new ColorProcessor(2, 1));
        ImageProcessor ip = ImageConversion.toProcessor(new FloatImage(2, 1, 1, new float[] {0f, 1f}), rgb);
        assertTrue(ip instanceof ByteProcessor);
        assertArrayEquals(new byte[] {0, (byte) 255}, (byte[]) ip.getPixels());
    }
}
