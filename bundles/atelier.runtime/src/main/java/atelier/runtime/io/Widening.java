package atelier.runtime.io;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.channels.FileChannel;

/**
 * F16 and BF16 to F32, in bulk: little-endian halves are read from the file in chunks into a {@code short[]},
 * converted through a 65536-entry table of float bits (F16) or a shift (BF16), and written in chunks into a
 * direct native-order buffer. Both conversions are exact.
 */
final class Widening {
    private static final int CHUNK = 1 << 19; // halves per read (1 MiB)

    /** Float bits of every binary16 pattern. */
    private static final int[] F16_BITS = new int[1 << 16];

    static {
        for (int h = 0; h < F16_BITS.length; h++) {
            F16_BITS[h] = Float.floatToRawIntBits(halfToFloat((short) h));
        }
    }

    private Widening() { }

    /** IEEE 754 binary16 to binary32, exact (subnormals, infinities and NaN payloads included). */
    static float halfToFloat(short h) {
        int bits = h & 0xffff;
        int sign = (bits & 0x8000) << 16;
        int exp = (bits >>> 10) & 0x1f;
        int mant = bits & 0x3ff;
        if (exp == 0) {
            if (mant == 0) {
                return Float.intBitsToFloat(sign);
            }
            float v = mant * 0x1p-24f; // subnormal: exact, mant < 2^10
            return sign != 0 ? -v : v;
        }
        if (exp == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
        }
        return Float.intBitsToFloat(sign | ((exp - 15 + 127) << 23) | (mant << 13));
    }

    /** Widens {@code n} F16 values read from {@code ch} at {@code pos} into a new direct native-order buffer. */
    static ByteBuffer f16ToF32(FileChannel ch, long pos, int n) throws IOException {
        return widen(ch, pos, n, false);
    }

    /** Widens {@code n} BF16 values read from {@code ch} at {@code pos} into a new direct native-order buffer. */
    static ByteBuffer bf16ToF32(FileChannel ch, long pos, int n) throws IOException {
        return widen(ch, pos, n, true);
    }

    /**
     * Reads through the channel in chunks rather than mapping: the half-precision bytes are only ever in the
     * page cache and one small chunk, never mapped into this process (a mapping stays resident, counted in
     * this process's memory, until the GC happens to release it).
     */
    private static ByteBuffer widen(FileChannel ch, long pos, int n, boolean bf16) throws IOException {
        ByteBuffer out = ByteBuffer.allocateDirect(Math.multiplyExact(n, 4)).order(ByteOrder.nativeOrder());
        FloatBuffer f = out.asFloatBuffer();
        int chunk = Math.min(CHUNK, n);
        ByteBuffer bytes = ByteBuffer.allocate(chunk * 2).order(ByteOrder.LITTLE_ENDIAN);
        short[] hs = new short[chunk];
        float[] fs = new float[chunk];
        int[] table = F16_BITS;
        for (int done = 0; done < n; ) {
            int len = Math.min(chunk, n - done);
            bytes.clear().limit(len * 2);
            readFully(ch, bytes, pos + 2L * done);
            bytes.flip();
            bytes.asShortBuffer().get(hs, 0, len);
            if (bf16) {
                for (int i = 0; i < len; i++) {
                    fs[i] = Float.intBitsToFloat(hs[i] << 16);
                }
            } else {
                for (int i = 0; i < len; i++) {
                    fs[i] = Float.intBitsToFloat(table[hs[i] & 0xffff]);
                }
            }
            f.put(fs, 0, len);
            done += len;
        }
        return out;
    }

    /** Reads {@code length} bytes at {@code pos} into a new direct little-endian buffer. */
    static ByteBuffer readDirect(FileChannel ch, long pos, int length) throws IOException {
        ByteBuffer out = ByteBuffer.allocateDirect(length).order(ByteOrder.LITTLE_ENDIAN);
        readFully(ch, out, pos);
        return out.flip();
    }

    /** Fills the buffer's remaining bytes from {@code pos}; the file may not end before. */
    static void readFully(FileChannel ch, ByteBuffer buf, long pos) throws IOException {
        long at = pos;
        while (buf.hasRemaining()) {
            int r = ch.read(buf, at);
            if (r < 0) {
                throw new EOFException("file ended at byte " + at + " (truncated while open?)");
            }
            at += r;
        }
    }
}
