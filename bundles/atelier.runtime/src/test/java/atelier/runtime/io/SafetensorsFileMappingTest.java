package atelier.runtime.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.HexFormat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Copy-on-write loading never changes the file; widening is exact for every F16 and BF16 pattern. */
class SafetensorsFileMappingTest {
    @TempDir
    Path dir;

    private static String sha256(Path p) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p)));
    }

    private Path f32File() throws Exception {
        return RawFile.write(dir, "w.safetensors",
                RawFile.bytes("{" + RawFile.entry("w", "F32", "[2,2]", 0, 16) + "}", RawFile.f32(1, 2, 3, 4)));
    }

    @Test
    void inPlaceOpOnCopyOnWriteMappingLeavesFileUnchanged() throws Exception {
        Path p = f32File();
        String before = sha256(p);
        try (SafetensorsFile f = SafetensorsFile.open(p); NDManager m = NDManager.newBaseManager()) {
            assertTrue(f.copyOnWrite(), "a writable file is mapped copy-on-write");
            NDArray a = f.load("w", m);
            a.addi(10f).muli(2f);
            assertArrayEquals(new float[] {22, 24, 26, 28}, a.toFloatArray());
            ByteBuffer raw = f.map("w");
            raw.putFloat(0, -1f); // a private page, never written back
        }
        System.gc();
        assertEquals(before, sha256(p));
        try (SafetensorsFile f = SafetensorsFile.open(p); NDManager m = NDManager.newBaseManager()) {
            assertArrayEquals(new float[] {1, 2, 3, 4}, f.load("w", m).toFloatArray());
        }
    }

    @Test
    void fileWithoutWriteBitsIsNeverOpenedForWriting() throws Exception {
        Path p = f32File();
        try {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("r--r--r--"));
        } catch (UnsupportedOperationException e) {
            Assumptions.abort("no POSIX permissions here");
        }
        String before = sha256(p);
        // even as root (where access(2) reports the file writable) the permission bits decide
        assertFalse(SafetensorsFile.mayOpenForWrite(p));
        try (SafetensorsFile f = SafetensorsFile.open(p); NDManager m = NDManager.newBaseManager()) {
            assertFalse(f.copyOnWrite());
            NDArray a = f.load("w", m); // a copy: in-place ops are safe
            a.addi(1f);
            assertArrayEquals(new float[] {2, 3, 4, 5}, a.toFloatArray());
            assertTrue(f.map("w").isReadOnly());
        }
        assertEquals(before, sha256(p));
    }

    @Test
    void readOnlyPropertyForcesCopies() throws Exception {
        Path p = f32File();
        System.setProperty(SafetensorsFile.READ_ONLY_PROPERTY, "true");
        try (SafetensorsFile f = SafetensorsFile.open(p)) {
            assertFalse(f.copyOnWrite());
        } finally {
            System.clearProperty(SafetensorsFile.READ_ONLY_PROPERTY);
        }
    }

    /** Reference binary16 decoding by arithmetic, independent of the bit manipulation in the reader. */
    private static float referenceHalf(int h) {
        int sign = (h >>> 15) & 1;
        int e = (h >>> 10) & 0x1f;
        int mant = h & 0x3ff;
        double v;
        if (e == 0x1f) {
            v = mant == 0 ? Double.POSITIVE_INFINITY : Double.NaN;
        } else if (e == 0) {
            v = Math.scalb((double) mant, -24);
        } else {
            v = Math.scalb(1.0 + mant / 1024.0, e - 15);
        }
        return (float) (sign == 1 ? -v : v);
    }

    @Test
    void everyHalfPatternWidensExactly() throws Exception {
        ByteBuffer data = ByteBuffer.allocate(65536 * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int h = 0; h < 65536; h++) {
            data.putShort((short) h);
        }
        for (int h = 0; h < 65536; h++) {
            data.putShort((short) h);
        }
        String header = "{" + RawFile.entry("f16", "F16", "[256,256]", 0, 131072) + ","
                + RawFile.entry("bf16", "BF16", "[65536]", 131072, 262144) + "}";
        Path p = RawFile.write(dir, "halves.safetensors", RawFile.bytes(header, data.array()));
        try (SafetensorsFile f = SafetensorsFile.open(p); NDManager m = NDManager.newBaseManager()) {
            float[] f16 = f.load("f16", m).toFloatArray();
            float[] bf16 = f.load("bf16", m).toFloatArray();
            int subnormals = 0;
            for (int h = 0; h < 65536; h++) {
                float ref = referenceHalf(h);
                int got = Float.floatToRawIntBits(f16[h]);
                if (Float.isNaN(ref)) {
                    assertTrue(Float.isNaN(f16[h]), "half " + h);
                    int want = ((h & 0x8000) << 16) | 0x7f800000 | ((h & 0x3ff) << 13);
                    assertEquals(want, got, "NaN payload and sign of half " + Integer.toHexString(h));
                } else {
                    assertEquals(Float.floatToRawIntBits(ref), got, "half " + Integer.toHexString(h));
                }
                if ((h & 0x7c00) == 0 && (h & 0x3ff) != 0) {
                    subnormals++;
                }
                assertEquals(h << 16, Float.floatToRawIntBits(bf16[h]), "bf16 " + Integer.toHexString(h));
                assertEquals(got, Float.floatToRawIntBits(SafetensorsFile.halfToFloat((short) h)), "halfToFloat " + h);
            }
            assertEquals(2046, subnormals);
            assertEquals(Float.POSITIVE_INFINITY, f16[0x7c00]);
            assertEquals(Float.NEGATIVE_INFINITY, f16[0xfc00]);
            assertEquals(0x1p-24f, f16[1]);
            assertEquals(65504f, f16[0x7bff]);
            assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(f16[0x8000]));
        }
    }
}
