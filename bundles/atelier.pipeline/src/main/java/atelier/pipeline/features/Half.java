package atelier.pipeline.features;

/** IEEE 754 binary16 conversion on the Java heap (DJL must never hold FLOAT16 arrays on CPU). */
final class Half {
    private Half() { }

    /** Rounds to nearest even; overflow gives ±infinity, tiny values become subnormals or zero. */
    static short fromFloat(float f) {
        int bits = Float.floatToRawIntBits(f);
        int sign = (bits >>> 16) & 0x8000;
        int exp = (bits >>> 23) & 0xff;
        int mant = bits & 0x7fffff;
        if (exp == 0xff) {
            return (short) (sign | 0x7c00 | (mant != 0 ? 0x200 : 0));
        }
        int e = exp - 127 + 15;
        if (e >= 0x1f) {
            return (short) (sign | 0x7c00);
        }
        if (e <= 0) {
            if (e < -10) {
                return (short) sign;
            }
            int m = mant | 0x800000;
            int shift = 14 - e;
            int half = m >> shift;
            int rem = m & ((1 << shift) - 1);
            int mid = 1 << (shift - 1);
            if (rem > mid || (rem == mid && (half & 1) != 0)) {
                half++;
            }
            return (short) (sign | half);
        }
        int half = (e << 10) | (mant >> 13);
        int rem = mant & 0x1fff;
        if (rem > 0x1000 || (rem == 0x1000 && (half & 1) != 0)) {
            half++;
        }
        return (short) (sign | half);
    }

    static float toFloat(short h) {
        int s = (h & 0x8000) << 16;
        int e = (h >>> 10) & 0x1f;
        int m = h & 0x3ff;
        if (e == 0) {
            if (m == 0) {
                return Float.intBitsToFloat(s);
            }
            float v = m / 1024f * (float) Math.pow(2, -14);
            return s != 0 ? -v : v;
        }
        if (e == 0x1f) {
            return Float.intBitsToFloat(s | 0x7f800000 | (m << 13));
        }
        return Float.intBitsToFloat(s | ((e - 15 + 127) << 23) | (m << 13));
    }
}
