package atelier.runtime.testutil;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;

/** Writes F32 or F16 safetensors files for tests (header padded to 8 bytes, tensors in insertion order). */
public final class SafetensorsWriter {
    private final Map<String, long[]> shapes = new LinkedHashMap<>();
    private final Map<String, float[]> data = new LinkedHashMap<>();

    public SafetensorsWriter put(String name, long[] shape, float[] values) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        if (n != values.length) {
            throw new IllegalArgumentException(name + ": " + values.length + " values for " + n + " elements");
        }
        shapes.put(name, shape.clone());
        data.put(name, values);
        return this;
    }

    public void write(Path file, boolean f16) throws IOException {
        int width = f16 ? 2 : 4;
        JsonObject header = new JsonObject();
        long offset = 0;
        for (String name : shapes.keySet()) {
            JsonObject e = new JsonObject();
            e.addProperty("dtype", f16 ? "F16" : "F32");
            JsonArray s = new JsonArray();
            for (long d : shapes.get(name)) {
                s.add(d);
            }
            e.add("shape", s);
            JsonArray off = new JsonArray();
            long len = (long) data.get(name).length * width;
            off.add(offset);
            off.add(offset + len);
            e.add("data_offsets", off);
            header.add(name, e);
            offset += len;
        }
        StringBuilder json = new StringBuilder(header.toString());
        while ((json.length() + 8) % 8 != 0) {
            json.append(' ');
        }
        byte[] h = json.toString().getBytes(StandardCharsets.UTF_8);
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(h.length).array());
            out.write(h);
            for (float[] v : data.values()) {
                ByteBuffer b = ByteBuffer.allocate(v.length * width).order(ByteOrder.LITTLE_ENDIAN);
                for (float x : v) {
                    if (f16) {
                        b.putShort(toHalf(x));
                    } else {
                        b.putFloat(x);
                    }
                }
                out.write(b.array());
            }
        }
    }

    /** binary32 to binary16, round to nearest even (subnormals, overflow to infinity, NaN kept). */
    public static short toHalf(float f) {
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
            mant |= 0x800000;
            int shift = 14 - e;
            int half = mant >> shift;
            int rem = mant & ((1 << shift) - 1);
            int mid = 1 << (shift - 1);
            if (rem > mid || (rem == mid && (half & 1) == 1)) {
                half++;
            }
            return (short) (sign | half);
        }
        int half = (e << 10) | (mant >> 13);
        int rem = mant & 0x1fff;
        if (rem > 0x1000 || (rem == 0x1000 && (half & 1) == 1)) {
            half++;
        }
        return (short) (sign | half);
    }
}
