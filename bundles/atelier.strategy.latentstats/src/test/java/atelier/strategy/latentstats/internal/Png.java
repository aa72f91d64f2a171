package atelier.strategy.latentstats.internal;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import javax.imageio.ImageIO;

import atelier.api.FloatImage;

/** PNG ↔ {@link FloatImage} for tests (8-bit grey or RGB). */
final class Png {
    private Png() { }

    static FloatImage read(Path file) throws IOException {
        BufferedImage img = ImageIO.read(file.toFile());
        if (img == null) {
            throw new IOException("not an image: " + file);
        }
        int w = img.getWidth();
        int h = img.getHeight();
        boolean grey = img.getColorModel().getNumColorComponents() == 1;
        int c = grey ? 1 : 3;
        float[] d = new float[c * w * h];
        var raster = img.getRaster();
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                if (grey) {
                    d[y * w + x] = raster.getSample(x, y, 0) / 255f;
                } else {
                    int rgb = img.getRGB(x, y);
                    d[y * w + x] = ((rgb >> 16) & 255) / 255f;
                    d[(h + y) * w + x] = ((rgb >> 8) & 255) / 255f;
                    d[(2 * h + y) * w + x] = (rgb & 255) / 255f;
                }
            }
        }
        return new FloatImage(w, h, c, d);
    }

    /** Writes images side by side (top-aligned) as one RGB PNG. */
    static void writeRow(Path file, List<FloatImage> images) throws IOException {
        int w = images.stream().mapToInt(FloatImage::width).sum();
        int h = images.stream().mapToInt(FloatImage::height).max().orElse(1);
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        int x0 = 0;
        for (FloatImage im : images) {
            FloatImage rgb = im.toRgb();
            for (int y = 0; y < rgb.height(); y++) {
                for (int x = 0; x < rgb.width(); x++) {
                    int r = Math.round(rgb.get(0, y, x) * 255);
                    int g = Math.round(rgb.get(1, y, x) * 255);
                    int b = Math.round(rgb.get(2, y, x) * 255);
                    out.setRGB(x0 + x, y, (r << 16) | (g << 8) | b);
                }
            }
            x0 += im.width();
        }
        Files.createDirectories(file.toAbsolutePath().getParent());
        ImageIO.write(out, "png", file.toFile());
    }
}
