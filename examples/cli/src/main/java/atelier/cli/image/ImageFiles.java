package atelier.cli.image;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Iterator;
import java.util.Locale;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

import atelier.api.FloatImage;
import atelier.cli.CliException;

/**
 * Reads images into {@link FloatImage}s and writes results as PNG, atomically and never over an existing file
 * unless asked.
 *
 * <p>Reading: anything {@link ImageIO} reads (PNG, JPEG, BMP, GIF, TIFF on Java 9+). Grey images stay one
 * channel; colour images become RGB (alpha is dropped). 8-bit samples map to [0, 1] by dividing by 255; grey
 * images with more than 8 bits (16-bit PNG/TIFF, float TIFF) are mapped to [0, 1] by their data range
 * (minimum → 0, maximum → 1), the way image editors display them; 16-bit colour divides by 65535.
 */
public final class ImageFiles {

    private ImageFiles() { }

    /**
     * Reads one image.
     *
     * @param what a word for messages ("content", "style")
     * @throws CliException exit code 2 when the file is missing, not a file, or not an image ImageIO reads
     */
    public static FloatImage read(Path file, String what) {
        if (!Files.exists(file)) {
            throw CliException.badInput(what + " image not found: " + file);
        }
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw CliException.badInput(what + " image is not a readable file: " + file);
        }
        BufferedImage image;
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            Iterator<ImageReader> readers = in == null ? null : ImageIO.getImageReaders(in);
            if (readers == null || !readers.hasNext()) {
                throw CliException.badInput(what + " image is not in a format this Java can read (PNG, JPEG, TIFF, "
                        + "BMP, GIF): " + file);
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                image = reader.read(0);
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof CliException ce) {
                throw ce;
            }
            throw new CliException(2, what + " image could not be read: " + file + " (" + message(e) + ")", e);
        }
        return toFloat(image);
    }

    /** Converts an AWT image: grey stays one channel, everything else becomes RGB. */
    public static FloatImage toFloat(BufferedImage image) {
        ColorModel cm = image.getColorModel();
        boolean grey = cm.getColorSpace().getType() == ColorSpace.TYPE_GRAY && cm.getNumColorComponents() == 1;
        int w = image.getWidth();
        int h = image.getHeight();
        Raster raster = image.getRaster();
        if (grey) {
            return new FloatImage(w, h, 1, greyPlane(raster, cm.getComponentSize(0), w, h));
        }
        float[] data = new float[3 * w * h];
        int plane = w * h;
        if (cm instanceof ComponentColorModel && raster.getNumBands() >= 3 && cm.getComponentSize(0) == 16
                && cm.getColorSpace().isCS_sRGB()) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    for (int c = 0; c < 3; c++) {
                        data[c * plane + y * w + x] = raster.getSample(x, y, c) / 65535f;
                    }
                }
            }
            return new FloatImage(w, h, 3, data);
        }
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            image.getRGB(0, y, w, 1, row, 0, w);
            for (int x = 0; x < w; x++) {
                int p = row[x];
                data[y * w + x] = ((p >> 16) & 0xff) / 255f;
                data[plane + y * w + x] = ((p >> 8) & 0xff) / 255f;
                data[2 * plane + y * w + x] = (p & 0xff) / 255f;
            }
        }
        return new FloatImage(w, h, 3, data);
    }

    private static float[] greyPlane(Raster raster, int bits, int w, int h) {
        float[] v = new float[w * h];
        int type = raster.getDataBuffer().getDataType();
        boolean floating = type == DataBuffer.TYPE_FLOAT || type == DataBuffer.TYPE_DOUBLE;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                v[y * w + x] = floating ? raster.getSampleFloat(x, y, 0) : raster.getSample(x, y, 0);
            }
        }
        if (bits <= 8 && !floating) {
            float max = (1 << bits) - 1;
            for (int i = 0; i < v.length; i++) {
                v[i] /= max;
            }
            return v;
        }
        // more than 8 bits: the data range, as an editor displays a 16-bit or float image
        float lo = Float.POSITIVE_INFINITY;
        float hi = Float.NEGATIVE_INFINITY;
        for (float f : v) {
            if (Float.isFinite(f)) {
                lo = Math.min(lo, f);
                hi = Math.max(hi, f);
            }
        }
        float range = hi > lo ? hi - lo : 1f;
        for (int i = 0; i < v.length; i++) {
            v[i] = Float.isFinite(v[i]) ? (v[i] - (hi > lo ? lo : 0f)) / range : 0f;
            v[i] = Math.max(0f, Math.min(1f, v[i]));
        }
        return v;
    }

    /**
     * For a grey input: the result as one channel when its three channels agree to 8 bits (the strategy produced
     * no colour), else unchanged. Grey stays grey unless the strategy yields colour.
     */
    public static FloatImage greyIfNeutral(FloatImage image) {
        if (image.channels() != 3) {
            return image;
        }
        float[] d = image.data();
        int plane = image.width() * image.height();
        float[] grey = new float[plane];
        for (int i = 0; i < plane; i++) {
            int r = to8(d[i]);
            if (r != to8(d[plane + i]) || r != to8(d[2 * plane + i])) {
                return image;
            }
            grey[i] = (d[i] + d[plane + i] + d[2 * plane + i]) / 3f;
        }
        return new FloatImage(image.width(), image.height(), 1, grey);
    }

    /** A grey (one channel) or RGB 8-bit AWT image; values are clamped to [0, 1]. */
    public static BufferedImage toAwt(FloatImage image) {
        int w = image.width();
        int h = image.height();
        float[] d = image.data();
        int plane = w * h;
        if (image.channels() == 1) {
            BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
            byte[] row = new byte[w];
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    row[x] = (byte) to8(d[y * w + x]);
                }
                out.getRaster().setDataElements(0, y, w, 1, row);
            }
            return out;
        }
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int i = y * w + x;
                row[x] = to8(d[i]) << 16 | to8(d[plane + i]) << 8 | to8(d[2 * plane + i]);
            }
            out.setRGB(0, y, w, 1, row, 0, w);
        }
        return out;
    }

    private static int to8(float v) {
        if (!(v > 0f)) {
            return 0; // also NaN
        }
        return v >= 1f ? 255 : Math.round(v * 255f);
    }

    /**
     * Checks, before any work is done, that {@code out} can be written: a {@code .png} name in an existing folder,
     * and no file there unless {@code force}.
     *
     * @throws CliException exit code 2 otherwise
     */
    public static void checkWritable(Path out, boolean force) {
        String name = out.getFileName() == null ? "" : out.getFileName().toString();
        if (!name.toLowerCase(Locale.ROOT).endsWith(".png")) {
            throw CliException.badInput("output must be a .png file: " + out);
        }
        Path dir = folderOf(out);
        if (!Files.isDirectory(dir)) {
            throw CliException.badInput("output folder does not exist: " + dir);
        }
        if (Files.isDirectory(out)) {
            throw CliException.badInput("output is a folder: " + out);
        }
        if (!force && Files.exists(out)) {
            throw CliException.badInput("output exists, not overwriting: " + out + " (add --force to replace it)");
        }
    }

    /**
     * Writes a PNG atomically: into a temporary file in the same folder, then moved into place with
     * {@link StandardCopyOption#ATOMIC_MOVE}. An existing file is replaced only when {@code force} is set.
     *
     * @throws CliException exit code 2 if the output exists and {@code force} is not set, 1 if writing fails
     */
    public static void writePng(FloatImage image, Path out, boolean force) {
        checkWritable(out, force);
        Path dir = folderOf(out);
        Path tmp = null;
        try {
            tmp = Files.createTempFile(dir, "." + out.getFileName() + ".", ".tmp");
            if (!ImageIO.write(toAwt(image), "png", tmp.toFile())) {
                throw new CliException(1, "no PNG writer available in this Java");
            }
            if (!force && Files.exists(out)) {
                throw CliException.badInput("output appeared while writing, not overwriting: " + out);
            }
            try {
                Files.move(tmp, out, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                throw new CliException(1, "this file system cannot replace files atomically: " + dir, e);
            }
            tmp = null;
        } catch (FileAlreadyExistsException e) {
            throw CliException.badInput("output exists, not overwriting: " + out + " (add --force to replace it)");
        } catch (IOException e) {
            throw new CliException(1, "could not write " + out + ": " + message(e), e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // best effort: the temporary file is hidden and named after the output
                }
            }
        }
    }

    private static Path folderOf(Path out) {
        Path abs = out.toAbsolutePath();
        return abs.getParent() == null ? abs.getRoot() : abs.getParent();
    }

    private static String message(Exception e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
