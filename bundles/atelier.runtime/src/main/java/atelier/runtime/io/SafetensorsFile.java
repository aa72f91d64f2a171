package atelier.runtime.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;

/**
 * A memory-mapped safetensors file (https://github.com/huggingface/safetensors, format: 8-byte little-endian
 * header length, JSON header, data section). The header is validated against the file before anything is
 * mapped: length bounded by the file, offsets inside the data section and not overlapping, byte counts
 * matching dtype × shape. Tensors are mapped one at a time with long offsets, so files over 2 GiB work.
 *
 * <p>F32 tensors of a writable file are handed to the engine as copy-on-write ({@code PRIVATE}) mappings
 * without a copy; an in-place op can never reach the file. F16 and BF16 are widened to F32 in Java, per
 * tensor, on load: the mapped file stays the only full copy. (Creating BF16 arrays aborts this engine build.)
 */
public final class SafetensorsFile implements TensorSource {
    /** Largest header we accept (the format itself caps it at 100 MB). */
    static final long MAX_HEADER = 100L * 1024 * 1024;

    private final Path path;
    private final FileChannel channel;
    private final boolean writable;
    private final Map<String, TensorInfo> tensors;
    private final Map<String, String> metadata;

    private SafetensorsFile(Path path, FileChannel channel, boolean writable, Map<String, TensorInfo> tensors,
            Map<String, String> metadata) {
        this.path = path;
        this.channel = channel;
        this.writable = writable;
        this.tensors = tensors;
        this.metadata = metadata;
    }

    /** Opens and validates a file; nothing is read beyond the header. */
    public static SafetensorsFile open(Path path) throws IOException {
        boolean writable = isWritable(path);
        FileChannel ch = writable
                ? FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE)
                : FileChannel.open(path, StandardOpenOption.READ);
        try {
            Map<String, String> meta = new LinkedHashMap<>();
            Map<String, TensorInfo> tensors = readHeader(path, ch, meta);
            return new SafetensorsFile(path, ch, writable, tensors, meta);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    private static boolean isWritable(Path path) {
        try {
            path.getFileSystem().provider().checkAccess(path, AccessMode.WRITE);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    static Map<String, TensorInfo> readHeader(Path path, FileChannel ch, Map<String, String> meta)
            throws IOException {
        long size = ch.size();
        String where = path.getFileName() + ": ";
        if (size < 8) {
            throw new SafetensorsFormatException(where + "file is " + size + " bytes, too short for a safetensors header");
        }
        ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        readFully(ch, lenBuf, 0);
        long headerLen = lenBuf.getLong(0);
        if (headerLen <= 0 || headerLen > MAX_HEADER || headerLen > size - 8) {
            throw new SafetensorsFormatException(where + "header length " + headerLen
                    + " is beyond the file (" + size + " bytes) or the format's limit");
        }
        ByteBuffer hb = ByteBuffer.allocate((int) headerLen);
        readFully(ch, hb, 8);
        String json = new String(hb.array(), StandardCharsets.UTF_8);
        JsonObject root;
        try {
            JsonElement el = JsonParser.parseString(json);
            if (!el.isJsonObject()) {
                throw new SafetensorsFormatException(where + "header is not a JSON object");
            }
            root = el.getAsJsonObject();
        } catch (JsonParseException e) {
            throw new SafetensorsFormatException(where + "header is not valid JSON: " + e.getMessage());
        }
        long dataStart = 8 + headerLen;
        long dataLen = size - dataStart;
        Map<String, TensorInfo> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonElement> e : root.entrySet()) {
            String name = e.getKey();
            if (name.equals("__metadata__")) {
                if (e.getValue().isJsonObject()) {
                    e.getValue().getAsJsonObject().entrySet()
                            .forEach(m -> meta.put(m.getKey(), m.getValue().isJsonPrimitive()
                                    ? m.getValue().getAsString() : m.getValue().toString()));
                }
                continue;
            }
            out.put(name, parseEntry(where, name, e.getValue(), dataStart, dataLen));
        }
        checkOverlaps(where, out.values());
        return Collections.unmodifiableMap(out);
    }

    private static TensorInfo parseEntry(String where, String name, JsonElement v, long dataStart, long dataLen)
            throws SafetensorsFormatException {
        String at = where + "tensor '" + name + "': ";
        if (!v.isJsonObject()) {
            throw new SafetensorsFormatException(at + "entry is not an object");
        }
        JsonObject o = v.getAsJsonObject();
        if (!o.has("dtype") || !o.has("shape") || !o.has("data_offsets")) {
            throw new SafetensorsFormatException(at + "needs dtype, shape and data_offsets");
        }
        String dtype;
        long[] shape;
        long begin;
        long end;
        try {
            dtype = o.get("dtype").getAsString();
            var sh = o.getAsJsonArray("shape");
            shape = new long[sh.size()];
            for (int i = 0; i < shape.length; i++) {
                shape[i] = sh.get(i).getAsLong();
                if (shape[i] < 0) {
                    throw new SafetensorsFormatException(at + "negative dimension " + shape[i]);
                }
            }
            var off = o.getAsJsonArray("data_offsets");
            if (off.size() != 2) {
                throw new SafetensorsFormatException(at + "data_offsets must have two entries");
            }
            begin = off.get(0).getAsLong();
            end = off.get(1).getAsLong();
        } catch (ClassCastException | IllegalStateException | NumberFormatException | UnsupportedOperationException e) {
            throw new SafetensorsFormatException(at + "malformed entry: " + e.getMessage());
        }
        int width = elementBytes(dtype);
        if (width < 0) {
            throw new SafetensorsFormatException(at + "unsupported dtype " + dtype + " (F32, F16, BF16, I64 are)");
        }
        if (begin < 0 || end < begin || end > dataLen) {
            throw new SafetensorsFormatException(at + "offsets [" + begin + ", " + end
                    + ") are outside the data section of " + dataLen + " bytes");
        }
        long count;
        try {
            count = 1;
            for (long d : shape) {
                count = Math.multiplyExact(count, d);
            }
            count = Math.multiplyExact(count, width);
        } catch (ArithmeticException ex) {
            throw new SafetensorsFormatException(at + "shape is too large");
        }
        if (count != end - begin) {
            throw new SafetensorsFormatException(at + "shape " + java.util.Arrays.toString(shape) + " of " + dtype
                    + " needs " + count + " bytes but offsets give " + (end - begin));
        }
        return new TensorInfo(name, dtype, shape, dataStart + begin, end - begin);
    }

    private static void checkOverlaps(String where, java.util.Collection<TensorInfo> all)
            throws SafetensorsFormatException {
        List<TensorInfo> sorted = new ArrayList<>(all);
        sorted.sort(Comparator.comparingLong(TensorInfo::offset));
        for (int i = 1; i < sorted.size(); i++) {
            TensorInfo a = sorted.get(i - 1);
            TensorInfo b = sorted.get(i);
            if (b.offset() < a.offset() + a.length()) {
                throw new SafetensorsFormatException(where + "tensors '" + a.name() + "' and '" + b.name()
                        + "' overlap");
            }
        }
    }

    /** Bytes per element, or -1 if unsupported. */
    static int elementBytes(String dtype) {
        switch (dtype) {
            case "F32": return 4;
            case "F16": case "BF16": return 2;
            case "I64": return 8;
            default: return -1;
        }
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long pos) throws IOException {
        while (buf.hasRemaining()) {
            int n = ch.read(buf, pos + buf.position());
            if (n < 0) {
                throw new SafetensorsFormatException("unexpected end of file");
            }
        }
    }

    public Path path() { return path; }

    public Map<String, String> metadata() { return Collections.unmodifiableMap(metadata); }

    @Override
    public Set<String> keys() { return tensors.keySet(); }

    @Override
    public TensorInfo info(String key) {
        TensorInfo t = tensors.get(key);
        if (t == null) {
            throw new IllegalArgumentException(path.getFileName() + " has no tensor '" + key + "'");
        }
        return t;
    }

    /** Maps the raw bytes of one tensor (little-endian). */
    public ByteBuffer map(String key) throws IOException {
        TensorInfo t = info(key);
        if (t.length() > Integer.MAX_VALUE) {
            throw new IOException(t + " is larger than 2 GiB, which one mapping cannot hold");
        }
        if (t.length() == 0) {
            return ByteBuffer.allocateDirect(0).order(ByteOrder.LITTLE_ENDIAN);
        }
        FileChannel.MapMode mode = writable ? FileChannel.MapMode.PRIVATE : FileChannel.MapMode.READ_ONLY;
        return channel.map(mode, t.offset(), t.length()).order(ByteOrder.LITTLE_ENDIAN);
    }

    @Override
    public NDArray load(String key, NDManager manager) {
        TensorInfo t = info(key);
        Shape shape = new Shape(t.shape());
        try {
            ByteBuffer raw = map(key);
            switch (t.dtype()) {
                case "F32":
                    if (writable) {
                        return manager.create(raw, shape, DataType.FLOAT32); // copy-on-write mapping, no copy
                    }
                    ByteBuffer copy = ByteBuffer.allocateDirect(raw.remaining()).order(ByteOrder.nativeOrder());
                    copy.put(raw).flip();
                    return manager.create(copy, shape, DataType.FLOAT32);
                case "F16":
                    return manager.create(widenF16(raw, t.elementCount()), shape, DataType.FLOAT32);
                case "BF16":
                    return manager.create(widenBf16(raw, t.elementCount()), shape, DataType.FLOAT32);
                case "I64": {
                    ByteBuffer c = ByteBuffer.allocateDirect(raw.remaining()).order(ByteOrder.nativeOrder());
                    c.put(raw).flip();
                    return manager.create(c, shape, DataType.INT64);
                }
                default:
                    throw new IllegalStateException("unsupported dtype " + t.dtype());
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("reading " + t + " from " + path, e);
        }
    }

    private static ByteBuffer widenBf16(ByteBuffer raw, long n) {
        ByteBuffer out = ByteBuffer.allocateDirect(Math.toIntExact(n * 4)).order(ByteOrder.nativeOrder());
        FloatBuffer f = out.asFloatBuffer();
        for (int i = 0; i < n; i++) {
            int bits = (raw.getShort(i * 2) & 0xffff) << 16;
            f.put(i, Float.intBitsToFloat(bits));
        }
        return out;
    }

    private static ByteBuffer widenF16(ByteBuffer raw, long n) {
        ByteBuffer out = ByteBuffer.allocateDirect(Math.toIntExact(n * 4)).order(ByteOrder.nativeOrder());
        FloatBuffer f = out.asFloatBuffer();
        for (int i = 0; i < n; i++) {
            f.put(i, halfToFloat(raw.getShort(i * 2)));
        }
        return out;
    }

    /** IEEE 754 binary16 to binary32, exact (subnormals, infinities and NaN included). */
    public static float halfToFloat(short h) {
        int bits = h & 0xffff;
        int sign = (bits & 0x8000) << 16;
        int exp = (bits >>> 10) & 0x1f;
        int mant = bits & 0x3ff;
        if (exp == 0) {
            if (mant == 0) {
                return Float.intBitsToFloat(sign);
            }
            float v = mant * 0x1p-24f; // subnormal
            return sign != 0 ? -v : v;
        }
        if (exp == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
        }
        return Float.intBitsToFloat(sign | ((exp - 15 + 127) << 23) | (mant << 13));
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing to do: the mapping outlives the channel and is released by the GC
        }
    }

    @Override
    public String toString() { return "safetensors " + path + " (" + tensors.size() + " tensors)"; }
}
