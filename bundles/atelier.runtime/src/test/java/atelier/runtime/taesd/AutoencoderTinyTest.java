package atelier.runtime.taesd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import javax.imageio.ImageIO;

import ai.djl.ndarray.BaseNDManager;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import atelier.runtime.io.SafetensorsFile;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class AutoencoderTinyTest {
    static Path shared() {
        return Path.of(System.getProperty("atelier.shared", "../../../shared"));
    }

    static Path models() { return shared().resolve("models"); }

    static Path goldenDir() { return shared().resolve("oracle/golden/taesd"); }

    static JsonObject manifest;

    @BeforeAll
    static void readManifest() throws Exception {
        try (Reader r = Files.newBufferedReader(goldenDir().resolve("golden_taesd.json"), StandardCharsets.UTF_8)) {
            manifest = JsonParser.parseReader(r).getAsJsonObject();
        }
    }

    static double atol(String caseId) {
        for (JsonElement c : manifest.getAsJsonArray("cases")) {
            if (c.getAsJsonObject().get("id").getAsString().equals(caseId)) {
                return c.getAsJsonObject().get("recommended_atol").getAsDouble();
            }
        }
        throw new AssertionError("no case " + caseId);
    }

    static double maxAbsDiff(NDArray a, NDArray b) {
        assertEquals(b.getShape(), a.getShape());
        return a.sub(b).abs().max().getFloat();
    }

    /** RGB PNG as float32 [1, 3, H, W] in [0, 1]; {@code box} > 1 averages box×box pixels. */
    static NDArray readImage(Path png, NDManager m, int box) throws Exception {
        BufferedImage img = ImageIO.read(png.toFile());
        int h = img.getHeight() / box;
        int w = img.getWidth() / box;
        float[] data = new float[3 * h * w];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                float[] sum = new float[3];
                for (int dy = 0; dy < box; dy++) {
                    for (int dx = 0; dx < box; dx++) {
                        int rgb = img.getRGB(x * box + dx, y * box + dy);
                        sum[0] += (rgb >> 16) & 0xff;
                        sum[1] += (rgb >> 8) & 0xff;
                        sum[2] += rgb & 0xff;
                    }
                }
                for (int c = 0; c < 3; c++) {
                    data[(c * h + y) * w + x] = sum[c] / (255f * box * box);
                }
            }
        }
        return m.create(data, new Shape(1, 3, h, w));
    }

    void checkGolden(AutoencoderTiny ae, String prefix, String encCase, String decCase, int channels) throws Exception {
        try (NDManager run = NDManager.newBaseManager();
                SafetensorsFile golden = SafetensorsFile.open(goldenDir().resolve("golden_taesd.safetensors"))) {
            NDArray image = golden.load("in.image01_128x192", run);
            NDArray latent = golden.load("out." + prefix + "_latent", run);
            NDArray decoded = golden.load("out." + prefix + "_decoded", run);
            assertEquals(channels, ae.latentChannels());
            int before = ((BaseNDManager) run).getManagedArrays().size();
            NDArray z = ae.encode(image);
            NDArray y = ae.decode(latent);
            assertEquals(before + 2, ((BaseNDManager) run).getManagedArrays().size(), "intermediates leaked");
            double dz = maxAbsDiff(z, latent);
            double dy = maxAbsDiff(y, decoded);
            System.out.printf("%s: max|diff| %.3g (atol %.3g); %s: max|diff| %.3g (atol %.3g)%n",
                    encCase, dz, atol(encCase), decCase, dy, atol(decCase));
            assertTrue(dz <= atol(encCase), encCase + " differs by " + dz);
            assertTrue(dy <= atol(decCase), decCase + " differs by " + dy);
        }
    }

    @Test
    void taef2SingleFileMatchesGolden() throws Exception {
        try (NDManager root = NDManager.newBaseManager();
                AutoencoderTiny ae = AutoencoderTiny.load(models().resolve("taesd/taef2.safetensors"), root)) {
            checkGolden(ae, "taef2", "taef2_encode", "taef2_decode", 32);
            assertEquals(8, ae.downscaleFactor());
        }
    }

    @Test
    void diffusersLayoutMatchesGolden() throws Exception {
        try (NDManager root = NDManager.newBaseManager();
                AutoencoderTiny ae = AutoencoderTiny.load(models().resolve("taesd-random-sd"), root)) {
            checkGolden(ae, "random_sd", "taesd_random_sd_encode", "taesd_random_sd_decode", 4);
        }
    }

    @Test
    void realTaesdReconstructsTheAstronaut() throws Exception {
        Path enc = TaesdFamily.locate(models(), TaesdFamily.SD);
        try (NDManager root = NDManager.newBaseManager(); AutoencoderTiny ae = AutoencoderTiny.load(enc, root);
                NDManager run = root.newSubManager()) {
            NDArray image = readImage(shared().resolve("images/astronaut.png"), run, 1);
            assertEquals(new Shape(1, 3, 512, 512), image.getShape());
            NDArray z = ae.encode(image);
            assertEquals(new Shape(1, 4, 64, 64), z.getShape());
            NDArray y = ae.decode(z);
            double mae = y.sub(image).abs().mean().getFloat();
            System.out.printf("taesd astronaut 512x512 encode->decode MAE %.4f%n", mae);
            assertTrue(mae <= 0.05, "mean absolute error " + mae);
        }
    }

    @ParameterizedTest
    @EnumSource(TaesdFamily.class)
    void everyFamilyLoadsAndRoundTrips(TaesdFamily family) throws Exception {
        Path p = TaesdFamily.locate(models(), family);
        try (NDManager root = NDManager.newBaseManager(); AutoencoderTiny ae = AutoencoderTiny.load(p, root)) {
            assertEquals(family.latentChannels(), ae.latentChannels());
            NDArray image = readImage(shared().resolve("images/astronaut.png"), root, 2);
            NDArray z = ae.encode(image);
            assertEquals(new Shape(1, family.latentChannels(), 32, 32), z.getShape());
            NDArray y = ae.decode(z);
            double mae = y.sub(image).abs().mean().getFloat();
            System.out.printf("%s (%s) 256x256 round trip MAE %.4f%n", family, p.getFileName(), mae);
            assertTrue(mae <= 0.1, family + " mean absolute error " + mae);
        }
    }

    @Test
    void pairLoadsFromEitherFileOrThePrefix() {
        Path dir = models().resolve("taesd");
        try (NDManager root = NDManager.newBaseManager()) {
            for (Path p : new Path[] {dir.resolve("taesd3_decoder.safetensors"), dir.resolve("taesd3")}) {
                try (AutoencoderTiny ae = AutoencoderTiny.load(p, root)) {
                    assertEquals(16, ae.latentChannels());
                }
            }
        }
    }

    @Test
    void badInputsAreNamed(@TempDir Path tmp) throws Exception {
        try (NDManager root = NDManager.newBaseManager();
                AutoencoderTiny ae = AutoencoderTiny.load(models().resolve("taesd-random-sd"), root)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> ae.encode(root.zeros(new Shape(1, 3, 60, 64))));
            assertTrue(e.getMessage().contains("multiples of 8"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> ae.encode(root.zeros(new Shape(1, 4, 64, 64))));
            e = assertThrows(IllegalArgumentException.class, () -> ae.decode(root.zeros(new Shape(1, 16, 8, 8))));
            assertTrue(e.getMessage().contains("[B, 4, h, w]"), e.getMessage());

            // a file of another model is refused, naming what it expected
            e = assertThrows(IllegalArgumentException.class, () -> AutoencoderTiny.load(
                    models().resolve("tiny-sd/unet/diffusion_pytorch_model.safetensors"), root));
            assertTrue(e.getMessage().contains("not a TAESD"), e.getMessage());
            // a half-pair names the missing file
            Files.copy(models().resolve("taesd/taesd_encoder.safetensors"), tmp.resolve("x_encoder.safetensors"));
            e = assertThrows(IllegalArgumentException.class,
                    () -> AutoencoderTiny.load(tmp.resolve("x_encoder.safetensors"), root));
            assertTrue(e.getMessage().contains("x_decoder.safetensors"), e.getMessage());
            // the halves of different families disagree on the latent width
            Files.copy(models().resolve("taesd/taesd3_decoder.safetensors"), tmp.resolve("x_decoder.safetensors"));
            e = assertThrows(IllegalArgumentException.class, () -> AutoencoderTiny.load(tmp.resolve("x"), root));
            assertTrue(e.getMessage().contains("latent channels"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> TaesdFamily.locate(tmp, TaesdFamily.SDXL));
            assertTrue(e.getMessage().contains("taesdxl"), e.getMessage());
        }
    }
}
