package atelier.cli.image;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.List;

import atelier.api.FloatImage;

/** Puts images side by side (content | style | result …) at one height, with a thin white gap. */
public final class Montage {
    private static final int GAP = 8;

    private Montage() { }

    /** One row of tiles, each scaled to {@code height} pixels high (aspect ratio kept). */
    public static FloatImage row(List<FloatImage> tiles, int height) {
        if (tiles.isEmpty()) {
            throw new IllegalArgumentException("no images to put side by side");
        }
        int width = -GAP;
        for (FloatImage t : tiles) {
            width += GAP + scaledWidth(t, height);
        }
        BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width, height);
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BICUBIC);
            int x = 0;
            for (FloatImage t : tiles) {
                int w = scaledWidth(t, height);
                g.drawImage(ImageFiles.toAwt(t.toRgb()), x, 0, w, height, null);
                x += w + GAP;
            }
        } finally {
            g.dispose();
        }
        return ImageFiles.toFloat(out);
    }

    /** The image scaled so that its longer side is {@code size} pixels (returned as is if already that size). */
    public static FloatImage fit(FloatImage image, int size) {
        int longer = Math.max(image.width(), image.height());
        if (longer == size) {
            return image;
        }
        int w = Math.max(1, Math.round(image.width() * (float) size / longer));
        int h = Math.max(1, Math.round(image.height() * (float) size / longer));
        BufferedImage src = ImageFiles.toAwt(image);
        BufferedImage dst = new BufferedImage(w, h, src.getType());
        Graphics2D g = dst.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BICUBIC);
            g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
            g.drawImage(src, 0, 0, w, h, null);
        } finally {
            g.dispose();
        }
        return ImageFiles.toFloat(dst);
    }

    private static int scaledWidth(FloatImage t, int height) {
        return Math.max(1, Math.round(t.width() * (float) height / t.height()));
    }
}
