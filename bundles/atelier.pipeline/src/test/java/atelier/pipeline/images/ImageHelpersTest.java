package atelier.pipeline.images;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import atelier.api.FloatImage;

import org.junit.jupiter.api.Test;

class ImageHelpersTest {

    @Test
    void floatImageRoundTripsAndGreyIsReplicated() {
        float[] d = {0f, 0.5f, 1f, 0.25f, 0.75f, 0.1f};
        FloatImage grey = new FloatImage(3, 2, 1, d);
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray a = ImageArrays.toArray(grey, m);
            assertEquals(new Shape(1, 1, 2, 3), a.getShape());
            assertEquals(grey, ImageArrays.toImage(a));
            NDArray rgb = ImageArrays.toRgbArray(grey, m);
            assertEquals(new Shape(1, 3, 2, 3), rgb.getShape());
            assertArrayEquals(d, rgb.get(":, 2").toFloatArray());
            FloatImage clamped = ImageArrays.toImage(a.mul(3).sub(1));
            assertEquals(0f, clamped.get(0, 0, 0));
            assertEquals(1f, clamped.get(0, 0, 2));
        }
    }

    @Test
    void reflectAndEdgePaddingThenCropBack() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.arange(1f, 6f).reshape(1, 1, 1, 5); // 1 2 3 4 5
            NDArray rows = m.arange(1f, 4f).reshape(1, 1, 3, 1).repeat(3, 8); // 3 rows
            Padding p = Padding.toMultiple(1, 5, 8);
            assertEquals(8, p.paddedHeight());
            assertEquals(8, p.paddedWidth());
            NDArray edge = p.apply(x, PadMode.EDGE);
            assertArrayEquals(new float[] {1, 2, 3, 4, 5, 5, 5, 5}, edge.get("0, 0, 0").toFloatArray());
            assertEquals(new Shape(1, 1, 8, 8), edge.getShape());

            Padding q = Padding.toMultiple(3, 8, 8);
            NDArray reflect = q.apply(rows, PadMode.REFLECT);
            // 1 2 3 | 2 1 | 2 3 | 2 : mirrored again once the source is exhausted
            assertArrayEquals(new float[] {1, 2, 3, 2, 1, 2, 3, 2}, reflect.get("0, 0, :, 0").toFloatArray());
            assertTrue(q.crop(reflect).contentEquals(rows));

            Padding r = Padding.toMultiple(13, 21, 8);
            NDArray big = m.randomUniform(0, 1, new Shape(1, 3, 13, 21));
            NDArray padded = r.apply(big, PadMode.REFLECT);
            assertEquals(new Shape(1, 3, 16, 24), padded.getShape());
            assertTrue(r.crop(padded).contentEquals(big));
            // a latent at 1/8 of the padded size crops to ceil(13/8) × ceil(21/8)
            assertEquals(new Shape(1, 4, 2, 3), r.crop(m.zeros(new Shape(1, 4, 2, 3))).getShape());
            assertEquals(new Shape(1, 3, 2, 3), r.crop(m.zeros(new Shape(1, 3, 2, 3))).getShape());
            assertTrue(Padding.toMultiple(16, 8, 8).isNone());
        }
    }

    @Test
    void yCbCrRoundTripsAndKeepsChroma() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray a = m.randomUniform(0, 1, new Shape(1, 3, 5, 7));
            NDArray back = ColorSpace.yCbCrToRgb(ColorSpace.rgbToYCbCr(a));
            assertTrue(back.sub(a).abs().max().getFloat() < 1e-5);
            NDArray grey = m.full(new Shape(1, 3, 5, 7), 0.4f);
            NDArray mixed = ColorSpace.lumaWithChroma(grey, a.mul(0.3f).add(0.35f)); // stays in gamut
            NDArray y = ColorSpace.rgbToYCbCr(mixed);
            assertTrue(y.get(":, 0").sub(0.4f).abs().max().getFloat() < 1e-5, "luminance of the first");
        }
    }

    @Test
    void resizeAndFit() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray a = m.ones(new Shape(1, 3, 40, 20));
            assertEquals(new Shape(1, 3, 10, 5), Resize.bilinear(a, 10, 5).getShape());
            assertEquals(1f, Resize.bilinear(a, 10, 5).mean().getFloat(), 1e-5);
            assertEquals(new Shape(1, 3, 16, 8), Resize.fitWithin(a, 16).getShape());
            assertEquals(a, Resize.fitWithin(a, 64));
        }
    }
}
