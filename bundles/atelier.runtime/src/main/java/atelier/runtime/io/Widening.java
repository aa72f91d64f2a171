package atelier.runtime.io;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.ShortBuffer;

/**
 * F16 and BF16 to F32, in bulk: little-endian halves are read in chunks into a {@code short[]}, converted
 * through a 65536-entry table of float bits (F16) or a shift (BF16), and written in chunks into a direct
 * native-order buffer. Both conversions are exact.
 */
final class Widening {
    private static final int CHUNK = 1 << 16;

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

    static ByteBuffer f16ToF32(ByteBuffer raw, int n) {
        return widen(raw, n, false);
    }

    static ByteBuffer bf16ToF32(ByteBuffer raw, int n) {
        return widen(raw, n, true);
    }

    private static ByteBuffer widen(ByteBuffer raw, int n, boolean bf16) {
        ByteBuffer out = ByteBuffer.allocateDirect(Math.multiplyExact(n, 4)).order(ByteOrder.nativeOrder());
        ShortBuffer in = raw.duplicate().order(ByteOrder.LITTLE_ENDIAN).asShortBuffer();
        FloatBuffer f = out.asFloatBuffer();
        short[] hs = new short[Math.min(CHUNK, n)];
        float[] fs = new float[hs.length];
        int[] table = F16_BITS;
        for (int done = 0; done < n; ) {
            int len = Math.min(hs.length, n - done);
            in.get(hs, 0, len);
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
}
