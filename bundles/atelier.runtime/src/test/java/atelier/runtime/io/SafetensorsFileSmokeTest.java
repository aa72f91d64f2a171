package atelier.runtime.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;

import org.junit.jupiter.api.Test;

class SafetensorsFileSmokeTest {
    static Path shared() {
        return Path.of(System.getProperty("atelier.shared", "../../../shared"));
    }

    /** Files written by the reference (Python) implementation all pass the strict header checks. */
    @Test
    void everySharedFileOpens() throws Exception {
        List<Path> files;
        try (Stream<Path> s = Files.walk(shared(), FileVisitOption.FOLLOW_LINKS)) {
            files = s.filter(p -> p.getFileName().toString().endsWith(".safetensors")).collect(Collectors.toList());
        }
        assertFalse(files.isEmpty(), "no safetensors files under " + shared());
        for (Path p : files) {
            try (SafetensorsFile f = SafetensorsFile.open(p)) {
                assertFalse(f.keys().isEmpty(), p.toString());
            }
        }
    }

    @Test
    void readsBf16AndF32Files() throws Exception {
        Path taesd = shared().resolve("models/taesd/taesd_encoder.safetensors");
        Path unet = shared().resolve("models/tiny-sd/unet/diffusion_pytorch_model.safetensors");
        assertTrue(Files.exists(taesd), "missing " + taesd);
        try (SafetensorsFile f = SafetensorsFile.open(taesd); NDManager m = NDManager.newBaseManager()) {
            String key = f.keys().iterator().next();
            NDArray a = f.load(key, m);
            assertEquals(DataType.FLOAT32, a.getDataType());
            assertTrue(Float.isFinite(a.abs().max().getFloat()));
        }
        try (SafetensorsFile f = SafetensorsFile.open(unet); NDManager m = NDManager.newBaseManager()) {
            NDArray a = f.load("conv_in.weight", m);
            assertEquals(4, a.getShape().dimension());
        }
    }
}
