package atelier.runtime.vae;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import atelier.runtime.io.SafetensorsFile;
import atelier.runtime.testutil.Oracle;

import com.google.gson.JsonObject;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The Java autoencoder against diffusers on the tiny-sd weights (oracle cases d_vae_*). */
class VaeParityTest {
    private static NDManager manager;
    private static AutoencoderKL vae;
    private static SafetensorsFile golden;

    @BeforeAll
    static void load() throws Exception {
        manager = NDManager.newBaseManager();
        vae = AutoencoderKL.load(Oracle.tinySd().resolve("vae"), manager);
        golden = SafetensorsFile.open(Oracle.goldenDir().resolve("golden.safetensors"));
    }

    @AfterAll
    static void close() {
        vae.close();
        golden.close();
        manager.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"64x64", "64x96"})
    void matchesDiffusers(String size) throws Exception {
        JsonObject c = Oracle.goldenCase("d_vae_image_" + size);
        try (NDManager m = manager.newSubManager()) {
            NDArray image = golden.load("in.image_" + size, m);
            AutoencoderKL.Posterior p = vae.encode(image);
            NDArray decoded = vae.decode(p.mean());
            assertEquals(m, decoded.getManager());
            check(c, "mean", p.mean(), golden.load("out.vae_image_" + size + "_mean", m), size);
            check(c, "std", p.std(), golden.load("out.vae_image_" + size + "_std", m), size);
            check(c, "decoded", decoded, golden.load("out.vae_image_" + size + "_decoded", m), size);
        }
        assertEquals(0.18215f, vae.scalingFactor(), 1e-7);
    }

    @org.junit.jupiter.api.Test
    void callsLeaveOnlyTheirResultsBehind() {
        try (NDManager m = manager.newSubManager()) {
            NDArray image = golden.load("in.image_64x64", m);
            int all = manager.getManagedArrays().size();
            AutoencoderKL.Posterior p = vae.encode(image);
            NDArray decoded = vae.decode(p.mean());
            assertEquals(all + 3, manager.getManagedArrays().size());
            assertEquals(m, image.getManager());
            assertEquals(m, p.std().getManager());
            assertThrowsIllegal(() -> vae.decode(image));
            assertThrowsIllegal(() -> vae.encode(p.mean()));
            decoded.close();
        }
    }

    private static void assertThrowsIllegal(org.junit.jupiter.api.function.Executable e) {
        IllegalArgumentException x = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, e);
        assertTrue(x.getMessage().contains("got (1, "), x.getMessage());
    }

    private static void check(JsonObject c, String what, NDArray actual, NDArray expected, String size) {
        double atol = c.getAsJsonObject(what).get("recommended_atol").getAsDouble();
        double err = Oracle.maxAbsDiff(actual, expected);
        System.out.printf("d_vae_image_%s %s max abs err %.3g (atol %.3g)%n", size, what, err, atol);
        assertTrue(err <= atol, "d_vae_image_" + size + " " + what + ": max abs error " + err + " > " + atol);
    }
}
