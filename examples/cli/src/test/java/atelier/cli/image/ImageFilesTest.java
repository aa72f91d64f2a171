package atelier.cli.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import atelier.api.FloatImage;
import atelier.cli.CliException;

class ImageFilesTest {
    @TempDir
    Path dir;

    static Path shared() {
        return Path.of(System.getProperty("atelier.shared", "../../../shared"));
    }

    @Test
    void rgbPngBecomesThreeChannelsInUnitRange() {
        FloatImage img = ImageFiles.read(shared().resolve("images/astronaut.png"), "content");
        assertEquals(512, img.width());
        assertEquals(512, img.height());
        assertEquals(3, img.channels());
        float min = Float.MAX_VALUE;
        float max = -Float.MAX_VALUE;
        for (float v : img.data()) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        assertTrue(min >= 0f && max <= 1f && max > 0.9f, "range " + min + ".." + max);
    }

    @Test
    void greyPngStaysGrey() {
        FloatImage img = ImageFiles.read(shared().resolve("images/gravel.png"), "style");
        assertEquals(1, img.channels());
    }

    @Test
    void sixteenBitGreyTiffIsMappedByItsRange() {
        FloatImage img = ImageFiles.read(shared().resolve("images/chessboard_GRAY_U16.tif"), "content");
        assertEquals(1, img.channels());
        assertEquals(200, img.width());
        float min = Float.MAX_VALUE;
        float max = -Float.MAX_VALUE;
        for (float v : img.data()) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        assertEquals(0f, min, 1e-6);
        assertEquals(1f, max, 1e-6);
    }

    @Test
    void sixteenBitGreyPngIsMappedByItsRange() throws IOException {
        BufferedImage b = new BufferedImage(3, 1, BufferedImage.TYPE_USHORT_GRAY);
        b.getRaster().setSample(0, 0, 0, 1000);
        b.getRaster().setSample(1, 0, 0, 2000);
        b.getRaster().setSample(2, 0, 0, 3000);
        Path f = dir.resolve("g16.png");
        ImageIO.write(b, "png", f.toFile());
        FloatImage img = ImageFiles.read(f, "content");
        assertArrayEquals(new float[] { 0f, 0.5f, 1f }, img.data(), 1e-6f);
    }

    @Test
    void pngRoundTripKeepsEightBitValues() {
        float[] data = new float[3 * 2 * 2];
        for (int i = 0; i < data.length; i++) {
            data[i] = (i * 20) / 255f;
        }
        FloatImage img = new FloatImage(2, 2, 3, data);
        Path f = dir.resolve("rt.png");
        ImageFiles.writePng(img, f, false);
        assertArrayEquals(data, ImageFiles.read(f, "x").data(), 1e-6f);
        FloatImage grey = new FloatImage(2, 1, 1, new float[] { 0f, 1f });
        Path g = dir.resolve("grey.png");
        ImageFiles.writePng(grey, g, false);
        assertEquals(1, ImageFiles.read(g, "x").channels());
    }

    @Test
    void existingOutputIsKeptWithoutForceAndReplacedWithIt() throws IOException {
        Path f = dir.resolve("out.png");
        Files.writeString(f, "precious");
        FloatImage img = new FloatImage(1, 1, 1, new float[] { 0.5f });
        CliException e = assertThrows(CliException.class, () -> ImageFiles.writePng(img, f, false));
        assertEquals(2, e.exitCode());
        assertTrue(e.getMessage().contains("--force"), e.getMessage());
        assertEquals("precious", Files.readString(f));
        ImageFiles.writePng(img, f, true);
        assertEquals(1, ImageFiles.read(f, "x").width());
        assertEquals(List.of(f), listing(), "no temporary file is left behind");
    }

    @Test
    void missingUnreadableAndWrongOutputAreBadInput() throws IOException {
        assertEquals(2, assertThrows(CliException.class,
                () -> ImageFiles.read(dir.resolve("nope.png"), "content")).exitCode());
        Path text = Files.writeString(dir.resolve("text.png"), "not an image");
        CliException e = assertThrows(CliException.class, () -> ImageFiles.read(text, "style"));
        assertEquals(2, e.exitCode());
        assertTrue(e.getMessage().contains("text.png"), e.getMessage());
        assertEquals(2, assertThrows(CliException.class,
                () -> ImageFiles.checkWritable(dir.resolve("out.jpg"), false)).exitCode());
        assertEquals(2, assertThrows(CliException.class,
                () -> ImageFiles.checkWritable(dir.resolve("no/such/out.png"), false)).exitCode());
    }

    @Test
    void greyStaysGreyUnlessTheResultHasColour() {
        FloatImage neutral = new FloatImage(2, 1, 3, new float[] { 0.2f, 0.8f, 0.2f, 0.8f, 0.2f, 0.8f });
        FloatImage grey = ImageFiles.greyIfNeutral(neutral);
        assertEquals(1, grey.channels());
        assertArrayEquals(new float[] { 0.2f, 0.8f }, grey.data(), 1e-6f);
        FloatImage colour = new FloatImage(2, 1, 3, new float[] { 0.2f, 0.8f, 0.3f, 0.8f, 0.2f, 0.8f });
        assertEquals(3, ImageFiles.greyIfNeutral(colour).channels());
    }

    @Test
    void montagePutsTilesSideBySideAtOneHeight() {
        FloatImage a = new FloatImage(4, 4, 3, new float[48]);
        FloatImage b = new FloatImage(8, 8, 1, new float[64]);
        FloatImage row = Montage.row(List.of(a, b), 4);
        assertEquals(4, row.height());
        assertEquals(4 + 8 + 4, row.width());
        assertEquals(2, Montage.fit(b, 2).width());
    }

    private List<Path> listing() throws IOException {
        try (var s = Files.list(dir)) {
            return s.toList();
        }
    }
}
