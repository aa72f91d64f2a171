package atelier.runtime.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Arrays;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One test per way a safetensors file can be malformed; each must be a clear SafetensorsFormatException. */
class SafetensorsFileValidationTest {
    @TempDir
    Path dir;

    private static final String A = RawFile.entry("a", "F32", "[2]", 0, 8);

    private String fails(String header, byte[] data) throws Exception {
        return fails(RawFile.bytes(header, data));
    }

    private String fails(byte[] content) throws Exception {
        Path p = RawFile.write(dir, "bad.safetensors", content);
        SafetensorsFormatException e = assertThrows(SafetensorsFormatException.class, () -> SafetensorsFile.open(p));
        assertTrue(e.getMessage().contains("bad.safetensors"), "names the file: " + e.getMessage());
        return e.getMessage();
    }

    private static void contains(String msg, String... parts) {
        for (String p : parts) {
            assertTrue(msg.contains(p), "'" + p + "' missing from: " + msg);
        }
    }

    @Test
    void validFileOpensAndLoads() throws Exception {
        String h = "{\"__metadata__\":{\"format\":\"pt\"}," + A + "," + RawFile.entry("s", "F32", "[]", 8, 12) + ","
                + RawFile.entry("e", "F32", "[0,3]", 12, 12) + "}   ";
        Path p = RawFile.write(dir, "ok.safetensors", RawFile.bytes(h, RawFile.f32(1, 2, 7)));
        try (SafetensorsFile f = SafetensorsFile.open(p); NDManager m = NDManager.newBaseManager()) {
            assertEquals("pt", f.metadata().get("format"));
            assertArrayEquals(new float[] {1, 2}, f.load("a", m).toFloatArray());
            NDArray s = f.load("s", m);
            assertEquals(0, s.getShape().dimension());
            assertEquals(7f, s.getFloat());
            assertEquals(0, f.load("e", m).size());
        }
    }

    @Test
    void fileShorterThanLengthField() throws Exception {
        contains(fails(new byte[] {1, 0, 0}), "too short");
    }

    @Test
    void truncatedHeader() throws Exception {
        byte[] full = RawFile.bytes("{" + A + "}", RawFile.f32(1, 2));
        contains(fails(Arrays.copyOf(full, 20)), "beyond the end of the file");
    }

    @Test
    void truncatedData() throws Exception {
        contains(fails("{" + A + "}", RawFile.f32(1)), "tensor 'a'", "outside the data section", "truncated");
    }

    @Test
    void headerLengthBeyondFile() throws Exception {
        contains(fails(RawFile.bytes(1000, "{" + A + "}", RawFile.f32(1, 2))), "header length 1000", "beyond");
    }

    @Test
    void headerLengthHugeOrNegative() throws Exception {
        contains(fails(RawFile.bytes(-1L, "{}", new byte[0])), "18446744073709551615", "beyond");
        contains(fails(RawFile.bytes(Long.MAX_VALUE, "{}", new byte[0])), "beyond");
    }

    @Test
    void headerLengthZero() throws Exception {
        contains(fails(RawFile.bytes(0, "", RawFile.f32(1, 2))), "header length 0");
    }

    @Test
    void headerNotJson() throws Exception {
        contains(fails("{\"a\": {dtype", new byte[0]), "not valid JSON");
        contains(fails("{\"a\":1}{}", new byte[0]), "bad.safetensors");
    }

    @Test
    void headerNotUtf8() throws Exception {
        byte[] b = RawFile.bytes("{\"x\":{}}", new byte[0]);
        b[10] = (byte) 0xff;
        contains(fails(b), "UTF-8");
    }

    @Test
    void headerNotAnObject() throws Exception {
        contains(fails("[1,2]", new byte[0]), "not a JSON object");
    }

    @Test
    void entryNotAnObject() throws Exception {
        contains(fails("{\"a\":[1,2]}", new byte[0]), "tensor 'a'", "must be an object");
    }

    @Test
    void metadataNotStrings() throws Exception {
        contains(fails("{\"__metadata__\":{\"n\":1}}", new byte[0]), "__metadata__", "'n'", "string");
        contains(fails("{\"__metadata__\":[]}", new byte[0]), "__metadata__ must be an object");
    }

    @Test
    void duplicateKeys() throws Exception {
        contains(fails("{" + A + "," + A + "}", RawFile.f32(1, 2)), "tensor 'a'", "twice");
        contains(fails("{\"a\":{\"dtype\":\"F32\",\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[0,8]}}",
                RawFile.f32(1, 2)), "tensor 'a'", "duplicate field 'dtype'");
    }

    @Test
    void missingField() throws Exception {
        contains(fails("{\"a\":{\"dtype\":\"F32\",\"shape\":[2]}}", RawFile.f32(1, 2)), "tensor 'a'",
                "data_offsets");
    }

    @Test
    void offsetOutOfRange() throws Exception {
        contains(fails("{" + RawFile.entry("a", "F32", "[2]", 8, 16) + "}", RawFile.f32(1, 2)), "tensor 'a'",
                "[8, 16]", "outside the data section of 8 bytes");
    }

    @Test
    void endBeforeBegin() throws Exception {
        contains(fails("{" + RawFile.entry("a", "F32", "[2]", 8, 0) + "}", RawFile.f32(1, 2)), "tensor 'a'",
                "end before begin");
    }

    @Test
    void offsetsNotTwoIntegers() throws Exception {
        contains(fails("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0]}}", RawFile.f32(1, 2)),
                "tensor 'a'", "two numbers");
        contains(fails("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8,9]}}", RawFile.f32(1, 2)),
                "two numbers");
        contains(fails("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,\"8\"]}}", RawFile.f32(1, 2)),
                "tensor 'a'", "integers");
        contains(fails("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8.0]}}", RawFile.f32(1, 2)),
                "non-integer 8.0");
        contains(fails("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,99999999999999999999]}}",
                RawFile.f32(1, 2)), "too large");
    }

    @Test
    void overlappingTensors() throws Exception {
        String h = "{" + A + "," + RawFile.entry("b", "F32", "[2]", 4, 12) + "}";
        contains(fails(h, RawFile.f32(1, 2, 3)), "'a'", "'b'", "overlap");
    }

    @Test
    void emptyTensorsMayShareAnOffset() throws Exception {
        String h = "{" + A + "," + RawFile.entry("e1", "F32", "[0]", 4, 4) + "," + RawFile.entry("e2", "F16", "[3,0]", 4, 4)
                + "}";
        Path p = RawFile.write(dir, "ok.safetensors", RawFile.bytes(h, RawFile.f32(1, 2)));
        try (SafetensorsFile f = SafetensorsFile.open(p)) {
            assertEquals(3, f.keys().size());
        }
    }

    @Test
    void byteCountDoesNotMatchShape() throws Exception {
        contains(fails("{" + RawFile.entry("a", "F32", "[3]", 0, 8) + "}", RawFile.f32(1, 2)), "tensor 'a'",
                "[3]", "needs 12 bytes", "hold 8");
        contains(fails("{" + RawFile.entry("a", "F16", "[2]", 0, 8) + "}", RawFile.f32(1, 2)), "needs 4 bytes");
    }

    @Test
    void shapeOverflow() throws Exception {
        contains(fails("{" + RawFile.entry("a", "F32", "[4294967296,4294967296]", 0, 8) + "}", RawFile.f32(1, 2)),
                "tensor 'a'", "too large");
    }

    @Test
    void negativeOrFractionalDimension() throws Exception {
        contains(fails("{" + RawFile.entry("a", "F32", "[-2]", 0, 8) + "}", RawFile.f32(1, 2)), "tensor 'a'",
                "negative value -2");
        contains(fails("{" + RawFile.entry("a", "F32", "[2.5]", 0, 8) + "}", RawFile.f32(1, 2)), "non-integer 2.5");
        contains(fails("{\"a\":{\"dtype\":\"F32\",\"shape\":2,\"data_offsets\":[0,8]}}", RawFile.f32(1, 2)),
                "shape must be an array");
    }

    @Test
    void unknownDtypeAtOpen() throws Exception {
        contains(fails("{" + RawFile.entry("a", "Q4", "[2]", 0, 8) + "}", RawFile.f32(1, 2)), "tensor 'a'",
                "unknown dtype 'Q4'");
        contains(fails("{\"a\":{\"dtype\":7,\"shape\":[2],\"data_offsets\":[0,8]}}", RawFile.f32(1, 2)),
                "dtype must be a string");
    }

    @Test
    void unsupportedDtypeOnLoad() throws Exception {
        String h = "{" + RawFile.entry("d", "F64", "[1]", 0, 8) + "," + RawFile.entry("m", "U8", "[4]", 8, 12) + "}";
        Path p = RawFile.write(dir, "types.safetensors", RawFile.bytes(h, RawFile.f32(1, 2, 3)));
        try (SafetensorsFile f = SafetensorsFile.open(p); NDManager m = NDManager.newBaseManager()) {
            assertEquals("F64", f.info("d").dtype());
            for (String k : new String[] {"d", "m"}) {
                UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> f.load(k, m));
                assertTrue(e.getCause() instanceof SafetensorsFormatException);
                contains(e.getMessage(), "types.safetensors", "tensor '" + k + "'", "supported: F32, F16, BF16, I64");
            }
        }
    }

    @Test
    void missingKey() throws Exception {
        Path p = RawFile.write(dir, "ok.safetensors", RawFile.bytes("{" + A + "}", RawFile.f32(1, 2)));
        try (SafetensorsFile f = SafetensorsFile.open(p); NDManager m = NDManager.newBaseManager()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> f.info("nope"));
            contains(e.getMessage(), "ok.safetensors", "'nope'");
            e = assertThrows(IllegalArgumentException.class, () -> f.load("nope", m));
            contains(e.getMessage(), "ok.safetensors", "'nope'");
        }
    }

    @Test
    void gapsAndTrailingBytesAreAccepted() throws Exception {
        String h = "{" + RawFile.entry("a", "F32", "[1]", 4, 8) + "}";
        Path p = RawFile.write(dir, "gap.safetensors", RawFile.bytes(h, RawFile.f32(9, 5, 9)));
        try (SafetensorsFile f = SafetensorsFile.open(p); NDManager m = NDManager.newBaseManager()) {
            assertEquals(5f, f.load("a", m).getFloat(0));
        }
    }
}
