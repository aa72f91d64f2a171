package atelier.runtime.io;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;

/**
 * A memory-mapped safetensors file (https://github.com/huggingface/safetensors). Layout: an 8-byte
 * little-endian unsigned header length N, N bytes of UTF-8 JSON, then the data section; tensor offsets are
 * relative to the data section.
 *
 * <p><b>Validation</b>, all at {@link #open} and before anything is mapped; every failure is a
 * {@link SafetensorsFormatException} naming the file (and the tensor, where there is one):
 * <ul>
 * <li>N is at least 2, at most 100,000,000 (the reference implementation's limit) and at most the file size − 8;
 * <li>the header is valid UTF-8 and strict JSON: one object, nothing after it but whitespace, no duplicate key
 *     (a JSON parser would silently keep the last one; the reference implementation refuses them too);
 * <li>{@code __metadata__}, if present, is an object of string values;
 * <li>every other entry is an object with a known {@code dtype} string, a {@code shape} array of
 *     non-negative integers (an empty array is a scalar) and {@code data_offsets}, exactly two non-negative
 *     integers {@code [begin, end]} with {@code begin <= end <= data length}; integers are plain digits
 *     (no fractions, exponents or quoted numbers) and fit in a long;
 * <li>{@code end - begin} equals element count × dtype width, computed without overflow;
 * <li>no two non-empty tensors share a byte.
 * </ul>
 * <b>Deliberately lenient</b>: the reference implementation also demands that the tensors tile the data
 * section exactly (no gap, no trailing byte). Gaps cannot make this reader touch anything outside the file or
 * another tensor, so they are accepted; unknown fields inside an entry are ignored, as the reference does.
 * Dtypes: every dtype name of the format is accepted at open (so a file holding, say, an unused U8 mask still
 * opens); {@link #load} supports F32, F16, BF16 (widened to F32) and I64 and refuses the others naming the
 * tensor and the dtype.
 *
 * <p><b>Loading.</b> Offsets are longs throughout, so files over 2 GiB work (one tensor must stay under 2 GiB,
 * also as fp32). Opening reads only the header; until a tensor is loaded the file is the only copy. F32 tensors
 * are handed to the engine without a copy as copy-on-write ({@code PRIVATE}) mappings, one mapping per tensor,
 * when the file may be opened for writing; an in-place op then writes private pages and can never reach the
 * file. Every other load copies, reading through the channel in 1 MiB chunks rather than mapping: F16 and BF16
 * are widened to F32 in Java (exactly, by table), F32 of a read-only file and I64 are read into a fresh buffer —
 * never a {@code READ_ONLY} mapping, because an in-place op on one crashes the JVM, and not a mapping at all,
 * because mapped pages stay resident in this process until the GC happens to release the mapping. The result
 * buffers are direct, so {@code -XX:MaxDirectMemorySize} (default: the heap limit) must exceed the fp32 size of
 * the weights copied this way.
 *
 * <p><b>When the file is opened for writing.</b> A {@code PRIVATE} mapping needs a channel opened READ+WRITE,
 * although nothing is ever written through it. The channel is opened that way only if (1) the system property
 * {@code atelier.safetensors.readOnly} is not {@code true}, (2) the POSIX permission bits (where the file system
 * has them) grant write to the owner when the user owns the file, or to group/others otherwise — not just
 * {@code access(2)}, which says "writable" to root for a mode 0444 file — and (3) the operating system lets us
 * (a read-only mount, a Windows sharing violation because another process holds the file without write
 * sharing, or any other refusal silently falls back to READ_ONLY + copy). Respecting the bits even where root
 * could write keeps a file the user protected from ever being opened for writing: it does not fire
 * "closed after write" file-watch events and is not subject to write leases on network file systems.
 * Caveat of any mapping: if another process truncates the file while tensors are mapped, touching a lost page
 * raises SIGBUS; weight files must not be rewritten in place while a model uses them.
 */
public final class SafetensorsFile implements TensorSource {
    /** Largest header accepted (the reference implementation's limit). */
    static final long MAX_HEADER = 100_000_000L;

    /** System property that forces read-only mappings (F32 tensors are then copied on load). */
    public static final String READ_ONLY_PROPERTY = "atelier.safetensors.readOnly";

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
        FileChannel ch = null;
        boolean writable = false;
        if (mayOpenForWrite(path)) {
            try {
                ch = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
                writable = true;
            } catch (FileSystemException | UnsupportedOperationException | SecurityException e) {
                ch = null; // read-only mount, sharing violation, ...: fall back to read-only
            }
        }
        if (ch == null) {
            ch = FileChannel.open(path, StandardOpenOption.READ);
        }
        try {
            Map<String, String> meta = new LinkedHashMap<>();
            Map<String, TensorInfo> tensors = readHeader(path, ch, meta);
            return new SafetensorsFile(path, ch, writable, tensors, meta);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /** Whether the file may be opened READ+WRITE for copy-on-write mappings (see the class comment). */
    static boolean mayOpenForWrite(Path path) {
        if (Boolean.getBoolean(READ_ONLY_PROPERTY) || !Files.isRegularFile(path) || !Files.isWritable(path)) {
            return false;
        }
        try {
            PosixFileAttributes a = Files.readAttributes(path, PosixFileAttributes.class);
            Set<PosixFilePermission> p = a.permissions();
            String user = System.getProperty("user.name", "");
            if (a.owner().getName().equals(user)) {
                return p.contains(PosixFilePermission.OWNER_WRITE);
            }
            return p.contains(PosixFilePermission.GROUP_WRITE) || p.contains(PosixFilePermission.OTHERS_WRITE);
        } catch (UnsupportedOperationException e) {
            return true; // no POSIX bits (Windows): access() above is all there is
        } catch (IOException | SecurityException e) {
            return false;
        }
    }

    /** Whether F32 tensors are handed out as copy-on-write mappings (true) or copied (false). */
    public boolean copyOnWrite() { return writable; }

    static Map<String, TensorInfo> readHeader(Path path, FileChannel ch, Map<String, String> meta)
            throws IOException {
        long size = ch.size();
        String where = path + ": ";
        if (size < 8) {
            throw new SafetensorsFormatException(where + "file is " + size
                    + " bytes, too short for the 8-byte header length");
        }
        ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        readFully(path, ch, lenBuf, 0);
        long headerLen = lenBuf.getLong(0);
        if (headerLen < 0 || headerLen > size - 8) {
            throw new SafetensorsFormatException(where + "header length " + Long.toUnsignedString(headerLen)
                    + " is beyond the end of the file (" + size + " bytes; truncated or not safetensors)");
        }
        if (headerLen > MAX_HEADER) {
            throw new SafetensorsFormatException(where + "header length " + headerLen + " exceeds the format's limit of "
                    + MAX_HEADER + " bytes");
        }
        if (headerLen < 2) {
            throw new SafetensorsFormatException(where + "header length " + headerLen
                    + " is too small for a JSON object");
        }
        ByteBuffer hb = ByteBuffer.allocate((int) headerLen);
        readFully(path, ch, hb, 8);
        hb.flip();
        String json;
        try {
            CharBuffer cb = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(hb);
            json = cb.toString();
        } catch (CharacterCodingException e) {
            throw new SafetensorsFormatException(where + "header is not valid UTF-8");
        }
        long dataStart = 8 + headerLen;
        long dataLen = size - dataStart;
        Map<String, TensorInfo> out = new LinkedHashMap<>();
        new HeaderParser(where, json, dataStart, dataLen, out, meta).parse();
        checkOverlaps(where, out.values());
        return Collections.unmodifiableMap(out);
    }

    /** Streaming parse of the header JSON: strict, duplicate keys detected, every value type checked. */
    private static final class HeaderParser {
        private final String where;
        private final String json;
        private final long dataStart;
        private final long dataLen;
        private final Map<String, TensorInfo> out;
        private final Map<String, String> meta;

        HeaderParser(String where, String json, long dataStart, long dataLen, Map<String, TensorInfo> out,
                Map<String, String> meta) {
            this.where = where;
            this.json = json;
            this.dataStart = dataStart;
            this.dataLen = dataLen;
            this.out = out;
            this.meta = meta;
        }

        void parse() throws SafetensorsFormatException {
            String current = null;
            try (JsonReader r = new JsonReader(new StringReader(json))) {
                if (r.peek() != JsonToken.BEGIN_OBJECT) {
                    throw new SafetensorsFormatException(where + "header is not a JSON object (starts with "
                            + r.peek() + ")");
                }
                r.beginObject();
                boolean sawMetadata = false;
                while (r.hasNext()) {
                    String name = r.nextName();
                    current = name;
                    if (name.equals("__metadata__")) {
                        if (sawMetadata) {
                            throw new SafetensorsFormatException(where + "duplicate key '__metadata__' in the header");
                        }
                        sawMetadata = true;
                        readMetadata(r);
                    } else {
                        if (out.containsKey(name)) {
                            throw new SafetensorsFormatException(where + "tensor '" + name
                                    + "' appears twice in the header");
                        }
                        out.put(name, readEntry(r, name));
                    }
                    current = null;
                }
                r.endObject();
                if (r.peek() != JsonToken.END_DOCUMENT) {
                    throw new SafetensorsFormatException(where + "header has data after the JSON object");
                }
            } catch (SafetensorsFormatException e) {
                throw e;
            } catch (IOException | IllegalStateException | NumberFormatException e) {
                String at = current == null ? "" : " (at '" + current + "')";
                throw new SafetensorsFormatException(where + "header is not valid JSON" + at + ": " + e.getMessage());
            }
        }

        private void readMetadata(JsonReader r) throws IOException {
            if (r.peek() != JsonToken.BEGIN_OBJECT) {
                throw new SafetensorsFormatException(where + "__metadata__ must be an object, is " + r.peek());
            }
            r.beginObject();
            while (r.hasNext()) {
                String k = r.nextName();
                if (r.peek() != JsonToken.STRING) {
                    throw new SafetensorsFormatException(where + "__metadata__ value '" + k
                            + "' must be a string, is " + r.peek());
                }
                if (meta.put(k, r.nextString()) != null) {
                    throw new SafetensorsFormatException(where + "duplicate __metadata__ key '" + k + "'");
                }
            }
            r.endObject();
        }

        private TensorInfo readEntry(JsonReader r, String name) throws IOException {
            String at = where + "tensor '" + name + "': ";
            if (r.peek() != JsonToken.BEGIN_OBJECT) {
                throw new SafetensorsFormatException(at + "entry must be an object, is " + r.peek());
            }
            String dtype = null;
            long[] shape = null;
            long[] offsets = null;
            r.beginObject();
            while (r.hasNext()) {
                String field = r.nextName();
                switch (field) {
                    case "dtype" -> {
                        if (dtype != null) {
                            throw new SafetensorsFormatException(at + "duplicate field 'dtype'");
                        }
                        if (r.peek() != JsonToken.STRING) {
                            throw new SafetensorsFormatException(at + "dtype must be a string, is " + r.peek());
                        }
                        dtype = r.nextString();
                    }
                    case "shape" -> {
                        if (shape != null) {
                            throw new SafetensorsFormatException(at + "duplicate field 'shape'");
                        }
                        shape = readLongs(r, at, "shape");
                    }
                    case "data_offsets" -> {
                        if (offsets != null) {
                            throw new SafetensorsFormatException(at + "duplicate field 'data_offsets'");
                        }
                        offsets = readLongs(r, at, "data_offsets");
                    }
                    default -> r.skipValue(); // the reference implementation ignores unknown fields too
                }
            }
            r.endObject();
            if (dtype == null || shape == null || offsets == null) {
                throw new SafetensorsFormatException(at + "missing " + (dtype == null ? "dtype"
                        : shape == null ? "shape" : "data_offsets") + " (needs dtype, shape and data_offsets)");
            }
            if (offsets.length != 2) {
                throw new SafetensorsFormatException(at + "data_offsets must be two numbers [begin, end], has "
                        + offsets.length);
            }
            int width = elementBytes(dtype);
            if (width < 0) {
                throw new SafetensorsFormatException(at + "unknown dtype '" + dtype + "'");
            }
            long begin = offsets[0];
            long end = offsets[1];
            if (end < begin) {
                throw new SafetensorsFormatException(at + "data_offsets [" + begin + ", " + end
                        + "] end before begin");
            }
            if (end > dataLen) {
                throw new SafetensorsFormatException(at + "data_offsets [" + begin + ", " + end
                        + "] outside the data section of " + dataLen + " bytes (truncated file?)");
            }
            long count = 1;
            try {
                for (long d : shape) {
                    count = Math.multiplyExact(count, d);
                }
                count = Math.multiplyExact(count, width);
            } catch (ArithmeticException ex) {
                throw new SafetensorsFormatException(at + "shape " + Arrays.toString(shape) + " is too large");
            }
            if (count != end - begin) {
                throw new SafetensorsFormatException(at + "shape " + Arrays.toString(shape) + " of " + dtype
                        + " needs " + count + " bytes but data_offsets [" + begin + ", " + end + "] hold "
                        + (end - begin));
            }
            return new TensorInfo(name, dtype, shape, dataStart + begin, end - begin);
        }

        /** An array of non-negative integers written as plain digits. */
        private long[] readLongs(JsonReader r, String at, String field) throws IOException {
            if (r.peek() != JsonToken.BEGIN_ARRAY) {
                throw new SafetensorsFormatException(at + field + " must be an array of integers, is " + r.peek());
            }
            List<Long> vs = new ArrayList<>();
            r.beginArray();
            while (r.hasNext()) {
                if (r.peek() != JsonToken.NUMBER) {
                    throw new SafetensorsFormatException(at + field + " must hold integers, holds " + r.peek());
                }
                String s = r.nextString();
                if (s.startsWith("-")) {
                    throw new SafetensorsFormatException(at + field + " holds negative value " + s);
                }
                if (s.isEmpty() || !s.chars().allMatch(c -> c >= '0' && c <= '9')) {
                    throw new SafetensorsFormatException(at + field + " holds non-integer " + s);
                }
                try {
                    vs.add(Long.parseLong(s));
                } catch (NumberFormatException e) {
                    throw new SafetensorsFormatException(at + field + " value " + s + " is too large");
                }
            }
            r.endArray();
            return vs.stream().mapToLong(Long::longValue).toArray();
        }
    }

    private static void checkOverlaps(String where, java.util.Collection<TensorInfo> all)
            throws SafetensorsFormatException {
        List<TensorInfo> sorted = new ArrayList<>();
        for (TensorInfo t : all) {
            if (t.length() > 0) { // an empty tensor occupies no byte
                sorted.add(t);
            }
        }
        sorted.sort(Comparator.comparingLong(TensorInfo::offset));
        for (int i = 1; i < sorted.size(); i++) {
            TensorInfo a = sorted.get(i - 1);
            TensorInfo b = sorted.get(i);
            if (b.offset() < a.offset() + a.length()) {
                throw new SafetensorsFormatException(where + "tensors '" + a.name() + "' and '" + b.name()
                        + "' overlap (" + a.name() + " ends at file offset " + (a.offset() + a.length())
                        + ", " + b.name() + " starts at " + b.offset() + ")");
            }
        }
    }

    private static final Set<String> LOADABLE = new HashSet<>(List.of("F32", "F16", "BF16", "I64"));

    /** Bytes per element of a safetensors dtype, or -1 if the name is not one of the format's. */
    static int elementBytes(String dtype) {
        switch (dtype) {
            case "F64": case "I64": case "U64": return 8;
            case "F32": case "I32": case "U32": return 4;
            case "F16": case "BF16": case "I16": case "U16": return 2;
            case "I8": case "U8": case "BOOL": case "F8_E4M3": case "F8_E5M2": case "F8_E8M0": return 1;
            default: return -1;
        }
    }

    private static void readFully(Path path, FileChannel ch, ByteBuffer buf, long pos) throws IOException {
        while (buf.hasRemaining()) {
            int n = ch.read(buf, pos + buf.position());
            if (n < 0) {
                throw new SafetensorsFormatException(path + ": unexpected end of file at byte "
                        + (pos + buf.position()));
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
            throw new IllegalArgumentException(path + " has no tensor '" + key + "'");
        }
        return t;
    }

    /**
     * Maps the raw bytes of one tensor (little-endian): copy-on-write when the file was opened for writing,
     * read-only otherwise. Writing into a read-only buffer throws {@link java.nio.ReadOnlyBufferException}.
     */
    public ByteBuffer map(String key) throws IOException {
        TensorInfo t = info(key);
        if (t.length() > Integer.MAX_VALUE) {
            throw new SafetensorsFormatException(path + ": tensor '" + key + "' is " + t.length()
                    + " bytes; one tensor must stay under 2 GiB");
        }
        if (t.length() == 0) {
            return ByteBuffer.allocateDirect(0).order(ByteOrder.LITTLE_ENDIAN);
        }
        FileChannel.MapMode mode = writable ? FileChannel.MapMode.PRIVATE : FileChannel.MapMode.READ_ONLY;
        return channel.map(mode, t.offset(), t.length()).order(ByteOrder.LITTLE_ENDIAN);
    }

    /**
     * Loads one tensor; F16/BF16 are widened to FLOAT32, I64 stays INT64. A missing key is an
     * {@link IllegalArgumentException}; an unsupported dtype or an I/O failure an {@link UncheckedIOException}
     * (cause {@link SafetensorsFormatException} for the dtype) naming the file and the tensor.
     */
    @Override
    public NDArray load(String key, NDManager manager) {
        TensorInfo t = info(key);
        if (!LOADABLE.contains(t.dtype())) {
            throw new UncheckedIOException(new SafetensorsFormatException(path + ": tensor '" + key + "' has dtype "
                    + t.dtype() + ", which cannot be loaded (supported: F32, F16, BF16, I64)"));
        }
        if (t.elementCount() * 4 > Integer.MAX_VALUE || t.length() > Integer.MAX_VALUE) {
            throw new UncheckedIOException(new SafetensorsFormatException(path + ": tensor '" + key + "' needs "
                    + t.elementCount() * 4 + " bytes as fp32; one tensor must stay under 2 GiB"));
        }
        Shape shape = new Shape(t.shape());
        try {
            switch (t.dtype()) {
                case "F32":
                    if (writable) {
                        return manager.create(map(key), shape, DataType.FLOAT32); // copy-on-write mapping, no copy
                    }
                    return manager.create(Widening.readDirect(channel, t.offset(), (int) t.length()), shape,
                            DataType.FLOAT32);
                case "F16":
                    return manager.create(Widening.f16ToF32(channel, t.offset(), (int) t.elementCount()), shape,
                            DataType.FLOAT32);
                case "BF16":
                    return manager.create(Widening.bf16ToF32(channel, t.offset(), (int) t.elementCount()), shape,
                            DataType.FLOAT32);
                default: // I64
                    return manager.create(Widening.readDirect(channel, t.offset(), (int) t.length()), shape,
                            DataType.INT64);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(path + ": reading tensor '" + key + "' failed", e);
        }
    }

    /** IEEE 754 binary16 to binary32, exact (subnormals, infinities and NaN payloads included). */
    public static float halfToFloat(short h) {
        return Widening.halfToFloat(h);
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing to do: mappings outlive the channel and are released by the GC
        }
    }

    @Override
    public String toString() { return "safetensors " + path + " (" + tensors.size() + " tensors)"; }
}
