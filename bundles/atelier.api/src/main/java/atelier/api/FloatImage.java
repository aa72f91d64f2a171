package atelier.api;

import java.util.Arrays;
import java.util.Objects;

/**
 * A planar float image: {@code channels} planes of {@code height × width} values, nominally in [0, 1].
 * The only image type that crosses the API, so hosts convert once at their edge (AWT, ImageJ, files).
 * Immutable by convention: the array is copied in and never handed out for writing.
 */
public final class FloatImage {
    private final int width;
    private final int height;
    private final int channels;
    private final float[] data;

    public FloatImage(int width, int height, int channels, float[] data) {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("image size must be positive, got " + width + "×" + height);
        }
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("image must have 1 or 3 channels, got " + channels);
        }
        Objects.requireNonNull(data, "data");
        if (data.length != (long) width * height * channels) {
            throw new IllegalArgumentException("data holds " + data.length + " values, expected "
                    + ((long) width * height * channels) + " for " + width + "×" + height + "×" + channels);
        }
        this.width = width;
        this.height = height;
        this.channels = channels;
        this.data = data.clone();
    }

    public int width() { return width; }
    public int height() { return height; }
    public int channels() { return channels; }

    /** A copy of the planar data (channel-major: c·H·W + y·W + x). */
    public float[] data() { return data.clone(); }

    /** One value, for tests and small conversions. */
    public float get(int c, int y, int x) { return data[(c * height + y) * width + x]; }

    /** The same image with three channels (grey is replicated). */
    public FloatImage toRgb() {
        if (channels == 3) {
            return this;
        }
        float[] rgb = new float[data.length * 3];
        for (int c = 0; c < 3; c++) {
            System.arraycopy(data, 0, rgb, c * data.length, data.length);
        }
        return new FloatImage(width, height, 3, rgb);
    }

    /**
     * SHA-256 (hex) of the size, channel count and pixel values: equal for equal images, so caches can key on it.
     */
    public String fingerprint() {
        try {
            java.security.MessageDigest md = java.security.MessageDigest.getInstance("SHA-256");
            java.nio.ByteBuffer head = java.nio.ByteBuffer.allocate(12).putInt(width).putInt(height).putInt(channels);
            md.update(head.array());
            java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(4 * 8192);
            for (int i = 0; i < data.length; i += 8192) {
                buf.clear();
                int n = Math.min(8192, data.length - i);
                buf.asFloatBuffer().put(data, i, n);
                md.update(buf.array(), 0, 4 * n);
            }
            return java.util.HexFormat.of().formatHex(md.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this Java runtime", e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FloatImage other && other.width == width && other.height == height
                && other.channels == channels && Arrays.equals(other.data, data);
    }

    @Override
    public int hashCode() { return Objects.hash(width, height, channels, Arrays.hashCode(data)); }

    @Override
    public String toString() { return "FloatImage[" + width + "×" + height + "×" + channels + "]"; }
}
