package atelier.runtime.io;

import java.util.Arrays;

/**
 * Where one tensor lies in a file.
 *
 * @param name   key
 * @param dtype  safetensors dtype name (F32, F16, BF16, I64)
 * @param shape  dimensions
 * @param offset absolute byte offset in the file
 * @param length byte length
 */
public record TensorInfo(String name, String dtype, long[] shape, long offset, long length) {
    public TensorInfo {
        shape = shape.clone();
    }

    @Override
    public long[] shape() { return shape.clone(); }

    public long elementCount() {
        long n = 1;
        for (long d : shape) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    @Override
    public String toString() { return name + " " + dtype + Arrays.toString(shape); }
}
