package atelier.runtime.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;

import org.junit.jupiter.api.Test;

class SafetensorsFileSmokeTest {
    static Path shared() {
        return Path.of(System.getProperty("atelier.shared", "../../../shared"));
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
