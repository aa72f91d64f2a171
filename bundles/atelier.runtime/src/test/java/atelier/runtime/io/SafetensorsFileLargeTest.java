package atelier.runtime.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import ai.djl.ndarray.NDManager;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 4.5 GiB file that costs almost no disk: a sparse file holding the header and three small tensors, one at
 * the start, one past 2^31 and one past 2^32; everything between is a hole (gaps are accepted, see
 * {@link SafetensorsFile}). Skipped where the file system cannot make sparse files.
 */
class SafetensorsFileLargeTest {
    @TempDir
    Path dir;

    private static final long GIB = 1L << 30;

    /** Whether a 256 MiB sparse file costs (much) less than 64 MiB of free space. */
    private static boolean sparseFilesWork(Path dir) throws IOException {
        Path probe = dir.resolve("probe");
        long before = Files.getFileStore(dir).getUsableSpace();
        if (before < 512L * 1024 * 1024) {
            return false;
        }
        try (RandomAccessFile f = new RandomAccessFile(probe.toFile(), "rw")) {
            f.setLength(256L * 1024 * 1024);
            f.seek(256L * 1024 * 1024 - 1);
            f.write(1);
            f.getFD().sync();
        }
        long after = Files.getFileStore(dir).getUsableSpace();
        Files.delete(probe);
        return before - after < 64L * 1024 * 1024;
    }

    private static void writeAt(RandomAccessFile f, long pos, ByteBuffer b) throws IOException {
        f.seek(pos);
        f.write(b.array());
    }

    @Test
    void tensorsBeyondTwoAndFourGibLoad() throws Exception {
        Assumptions.assumeTrue(sparseFilesWork(dir), "file system cannot make sparse files (or is nearly full)");
        long farBegin = 2 * GIB + 4096 + 12;            // past 2^31, not page aligned
        long endBegin = 4 * GIB + GIB / 4;              // past 2^32
        long dataLen = endBegin + 12 + 4;               // 4 trailing bytes
        String header = "{" + RawFile.entry("head", "F32", "[3]", 0, 12) + ","
                + RawFile.entry("far", "F32", "[2,2]", farBegin, farBegin + 16) + ","
                + RawFile.entry("end", "F16", "[3,2]", endBegin, endBegin + 12) + "}";
        while ((header.length() + 8) % 8 != 0) {
            header += " ";
        }
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        long dataStart = 8 + h.length;
        Path p = dir.resolve("big.safetensors");
        try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
            f.setLength(dataStart + dataLen);
            writeAt(f, 0, ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(h.length));
            writeAt(f, 8, ByteBuffer.wrap(h));
            writeAt(f, dataStart, ByteBuffer.wrap(RawFile.f32(1.5f, -2f, 3f)));
            writeAt(f, dataStart + farBegin, ByteBuffer.wrap(RawFile.f32(10, 20, 30, 40)));
            ByteBuffer halves = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
            for (short s : new short[] {0x3c00, (short) 0xc000, 0x3800, 0x7c00, 0x0001, 0x7bff}) {
                halves.putShort(s); // 1, -2, 0.5, inf, 2^-24, 65504
            }
            writeAt(f, dataStart + endBegin, halves);
        }
        assertTrue(Files.size(p) > 4 * GIB);
        try (SafetensorsFile f = SafetensorsFile.open(p); NDManager m = NDManager.newBaseManager()) {
            assertEquals(dataStart + farBegin, f.info("far").offset());
            assertEquals(dataStart + endBegin, f.info("end").offset());
            assertArrayEquals(new float[] {1.5f, -2f, 3f}, f.load("head", m).toFloatArray());
            assertArrayEquals(new float[] {10, 20, 30, 40}, f.load("far", m).toFloatArray());
            assertArrayEquals(new float[] {1, -2, 0.5f, Float.POSITIVE_INFINITY, 0x1p-24f, 65504f},
                    f.load("end", m).toFloatArray());
        } finally {
            Files.deleteIfExists(p);
        }
    }
}
