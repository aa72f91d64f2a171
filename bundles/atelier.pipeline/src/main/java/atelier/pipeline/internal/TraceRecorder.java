package atelier.pipeline.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import atelier.api.spi.TraceSink;

/**
 * A {@link TraceSink} that copies every recorded latent to host memory at once (the caller keeps its array and
 * may close it) and writes them all, in record order, as one safetensors file when the run has succeeded.
 * Integer arrays are kept as {@code I64}, everything else as {@code F32}. The file is written to a temporary
 * file next to the target and then moved into place; an existing file is never replaced.
 */
public final class TraceRecorder implements TraceSink {
    private final Path target;
    private final SafetensorsWriter writer = new SafetensorsWriter();

    public TraceRecorder(Path target) {
        this.target = target.toAbsolutePath();
    }

    public Path target() { return target; }

    /** Fails early, before any work is done, when the trace cannot be written. */
    public void checkWritable() throws IOException {
        if (Files.exists(target, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            throw new FileAlreadyExistsException(target.toString(), null,
                    "trace file already exists; delete it or choose another name");
        }
        Path dir = target.getParent();
        if (dir != null && !Files.isDirectory(dir)) {
            throw new IOException("folder of the trace file does not exist: " + dir);
        }
    }

    @Override
    public synchronized void record(String name, NDArray latent) {
        long[] shape = latent.getShape().getShape();
        DataType t = latent.getDataType();
        if (t.isInteger()) {
            writer.addLong(name, shape, latent.toType(DataType.INT64, false).toLongArray());
        } else {
            try (NDArray f = latent.toType(DataType.FLOAT32, true)) {
                writer.addFloat(name, shape, f.toFloatArray());
            }
        }
    }

    /** Adds a {@code __metadata__} entry. */
    public synchronized void metadata(String key, String value) { writer.metadata(key, value); }

    /** Names in record order. */
    public synchronized java.util.List<String> names() { return writer.names(); }

    /** Writes the file atomically; fails if it exists (never overwrites). */
    public synchronized void write() throws IOException {
        Path dir = target.getParent() != null ? target.getParent() : Path.of(".");
        Path tmp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp");
        try {
            try (OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16)) {
                writer.writeTo(out);
            }
            AtomicFiles.publish(tmp, target);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
