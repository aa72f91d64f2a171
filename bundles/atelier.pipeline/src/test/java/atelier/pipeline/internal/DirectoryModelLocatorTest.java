package atelier.pipeline.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirectoryModelLocatorTest {
    @TempDir Path tmp;

    @Test
    void findsNamesInTheFolderAndOneLevelBelow() throws Exception {
        Path models = Files.createDirectories(tmp.resolve("models"));
        Files.createDirectories(models.resolve("tiny-sd"));
        Files.createDirectories(models.resolve("taesd"));
        Files.writeString(models.resolve("taesd/taef2.safetensors"), "x");
        Files.writeString(models.resolve("taesd/taesdxl_encoder.safetensors"), "x");
        DirectoryModelLocator l = new DirectoryModelLocator(models);
        assertEquals(models.resolve("tiny-sd"), l.locate("tiny-sd"));
        assertEquals(models.resolve("taesd/taef2.safetensors"), l.locate("taef2"));
        assertEquals(models.resolve("taesd/taesdxl_encoder.safetensors"), l.locate("taesdxl"));
        assertEquals(models.resolve("taesd"), l.locate("taesd"), "a folder of that name comes first");
        assertEquals(models.resolve("taesd/taef2.safetensors"), l.locate("taesd/taef2.safetensors"));
        Path abs = models.resolve("taesd/taef2.safetensors").toAbsolutePath();
        assertEquals(abs, l.locate(abs.toString()));
    }

    @Test
    void missingNamesSayWhereToPutThem() {
        DirectoryModelLocator l = new DirectoryModelLocator(tmp.resolve("nowhere"));
        IOException e = assertThrows(IOException.class, () -> l.locate("sd15"));
        assertTrue(e.getMessage().contains("'sd15'") && e.getMessage().contains(tmp.resolve("nowhere").toString())
                && e.getMessage().contains("ATELIER_MODELS"), e.getMessage());
        IOException e2 = assertThrows(IOException.class, () -> l.locate(tmp.resolve("x.safetensors").toString()));
        assertTrue(e2.getMessage().contains("x.safetensors"), e2.getMessage());
    }

    @Test
    void modelsFolderFromEnvironmentPropertyOrHome() {
        assertEquals(Path.of("/m"), DirectoryModelLocator.defaultModelsDir(Map.of("ATELIER_MODELS", "/m"), "/p", "/h"));
        assertEquals(Path.of("/p"), DirectoryModelLocator.defaultModelsDir(Map.of(), "/p", "/h"));
        assertEquals(Path.of("/h/.atelier/models"), DirectoryModelLocator.defaultModelsDir(Map.of(), null, "/h"));
    }
}
