package atelier.host.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A registry model whose file differs from its published digest is refused when a run asks for it. */
class ChecksumOnLocateTest {

    @Test
    void aCorruptedTaesdFileIsRefusedOnLocate(@TempDir Path root) throws Exception {
        Path shared = Path.of(System.getProperty("atelier.shared", "../../../shared")).resolve("models/taesd");
        Path taesd = Files.createDirectories(root.resolve("taesd"));
        try (Stream<Path> files = Files.list(shared)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Files.copy(f, taesd.resolve(f.getFileName()));
                taesd.resolve(f.getFileName()).toFile().setWritable(true);
            }
        }
        ModelStore store = new ModelStore(root);
        assertEquals(taesd.toAbsolutePath().normalize(), store.locate("taesd").toAbsolutePath().normalize());
        try (RandomAccessFile raf = new RandomAccessFile(taesd.resolve("taesd_decoder.safetensors").toFile(), "rw")) {
            raf.seek(raf.length() - 10);
            raf.write(raf.read() ^ 0x55);
        }
        ModelStoreException e = assertThrows(ModelStoreException.class, () -> store.locate("taesd"));
        assertEquals(ModelStoreException.Kind.CHECKSUM, e.kind());
        assertTrue(e.getMessage().contains("taesd_decoder.safetensors fails its checksum"), e.getMessage());
    }
}
