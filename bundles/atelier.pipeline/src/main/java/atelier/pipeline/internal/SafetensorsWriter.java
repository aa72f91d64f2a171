package atelier.pipeline.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Writes tensors held in host memory as one safetensors file: an 8-byte little-endian header length, a JSON
 * header padded with spaces to a multiple of 8 bytes, then the little-endian data of each tensor in the order
 * added. Supports {@code F32} and {@code I64}. Tensor names keep their insertion order in header and data.
 */
public final class SafetensorsWriter {

    /** One tensor: either {@code floats} or {@code longs} is set. */
    private record Entry(String name, long[] shape, float[] floats, long[] longs) {
        long byteLength() { return floats != null ? 4L * floats.length : 8L * longs.length; }

        String dtype() { return floats != null ? "F32" : "I64"; }
    }

    private final Map<String, Entry> entries = new LinkedHashMap<>();
    private final Map<String, String> metadata = new LinkedHashMap<>();

    /** Adds an F32 tensor. */
    public SafetensorsWriter addFloat(String name, long[] shape, float[] data) {
        Objects.requireNonNull(data, "data");
        add(new Entry(name, shape.clone(), data, null), data.length);
        return this;
    }

    /** Adds an I64 tensor. */
    public SafetensorsWriter addLong(String name, long[] shape, long[] data) {
        Objects.requireNonNull(data, "data");
        add(new Entry(name, shape.clone(), null, data), data.length);
        return this;
    }

    /** Adds a {@code __metadata__} string entry. */
    public SafetensorsWriter metadata(String key, String value) {
        metadata.put(Objects.requireNonNull(key), Objects.requireNonNull(value));
        return this;
    }

    public boolean contains(String name) { return entries.containsKey(name); }

    public List<String> names() { return new ArrayList<>(entries.keySet()); }

    private void add(Entry e, long elements) {
        Objects.requireNonNull(e.name(), "name");
        if (e.name().isEmpty() || e.name().equals("__metadata__")) {
            throw new IllegalArgumentException("invalid tensor name '" + e.name() + "'");
        }
        if (entries.containsKey(e.name())) {
            throw new IllegalArgumentException("tensor '" + e.name() + "' is already in the file");
        }
        long n = 1;
        for (long d : e.shape()) {
            if (d < 0) {
                throw new IllegalArgumentException("tensor '" + e.name() + "': negative dimension in shape");
            }
            n *= d;
        }
        if (n != elements) {
            throw new IllegalArgumentException("tensor '" + e.name() + "': shape holds " + n + " values, data has "
                    + elements);
        }
        entries.put(e.name(), e);
    }

    /** The JSON header, unpadded. */
    String header() {
        StringBuilder sb = new StringBuilder("{");
        boolean first = true;
        if (!metadata.isEmpty()) {
            sb.append(json("__metadata__")).append(":{");
            boolean f2 = true;
            for (Map.Entry<String, String> m : metadata.entrySet()) {
                if (!f2) {
                    sb.append(',');
                }
                f2 = false;
                sb.append(json(m.getKey())).append(':').append(json(m.getValue()));
            }
            sb.append('}');
            first = false;
        }
        long offset = 0;
        for (Entry e : entries.values()) {
            if (!first) {
                sb.append(',');
            }
            first = false;
            sb.append(json(e.name())).append(":{\"dtype\":\"").append(e.dtype()).append("\",\"shape\":[");
            for (int i = 0; i < e.shape().length; i++) {
                if (i > 0) {
                    sb.append(',');
                }
                sb.append(e.shape()[i]);
            }
            long end = offset + e.byteLength();
            sb.append("],\"data_offsets\":[").append(offset).append(',').append(end).append("]}");
            offset = end;
        }
        return sb.append('}').toString();
    }

    /** Writes the whole file to {@code out} (not closed). */
    public void writeTo(OutputStream out) throws IOException {
        byte[] header = header().getBytes(StandardCharsets.UTF_8);
        int padded = (header.length + 7) / 8 * 8;
        ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded);
        out.write(len.array());
        out.write(header);
        for (int i = header.length; i < padded; i++) {
            out.write(' ');
        }
        ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
        for (Entry e : entries.values()) {
            if (e.floats() != null) {
                for (float v : e.floats()) {
                    if (buf.remaining() < 4) {
                        flush(buf, out);
                    }
                    buf.putFloat(v);
                }
            } else {
                for (long v : e.longs()) {
                    if (buf.remaining() < 8) {
                        flush(buf, out);
                    }
                    buf.putLong(v);
                }
            }
        }
        flush(buf, out);
    }

    private static void flush(ByteBuffer buf, OutputStream out) throws IOException {
        out.write(buf.array(), 0, buf.position());
        buf.clear();
    }

    static String json(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"': sb.append("\\\""); break;
                case '\\': sb.append("\\\\"); break;
                case '\n': sb.append("\\n"); break;
                case '\r': sb.append("\\r"); break;
                case '\t': sb.append("\\t"); break;
                default:
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
            }
        }
        return sb.append('"').toString();
    }
}
