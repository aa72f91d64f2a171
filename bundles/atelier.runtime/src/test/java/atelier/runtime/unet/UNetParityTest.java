package atelier.runtime.unet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import atelier.runtime.io.SafetensorsFile;
import atelier.runtime.testutil.Oracle;

import com.google.gson.JsonObject;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The Java UNet against diffusers on the tiny-sd weights (oracle cases c_unet_*). */
class UNetParityTest {
    private static NDManager manager;
    private static UNet2DConditionModel unet;
    private static SafetensorsFile golden;

    @BeforeAll
    static void load() throws Exception {
        manager = NDManager.newBaseManager();
        unet = UNet2DConditionModel.load(Oracle.tinySd().resolve("unet"), manager);
        golden = SafetensorsFile.open(Oracle.goldenDir().resolve("golden.safetensors"));
    }

    @AfterAll
    static void close() {
        unet.close();
        golden.close();
        manager.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"b1_32x32_t1", "b1_32x32_t981", "b1_32x48_t981", "b2_32x32_t501", "b2_32x32_t981_21",
            "b2_32x48_t261"})
    void matchesDiffusers(String name) throws Exception {
        JsonObject c = Oracle.goldenCase("c_unet_" + name);
        double atol = c.get("recommended_atol").getAsDouble();
        try (NDManager m = manager.newSubManager()) {
            NDArray sample = golden.load("in.unet_" + name + "_sample", m);
            NDArray t = golden.load("in.unet_" + name + "_timestep", m);
            NDArray ctx = golden.load("in.unet_" + name + "_context", m);
            NDArray expected = golden.load("out.unet_" + name + "_out", m);
            NDArray out = unet.forward(sample, t, ctx);
            assertEquals(m, out.getManager());
            double err = Oracle.maxAbsDiff(out, expected);
            System.out.printf("c_unet_%s max abs err %.3g (atol %.3g)%n", name, err, atol);
            assertTrue(err <= atol, "c_unet_" + name + ": max abs error " + err + " > " + atol);
            // the same timestep as float32 gives the same numbers
            NDArray outF = unet.forward(sample, t.toType(ai.djl.ndarray.types.DataType.FLOAT32, false), ctx);
            assertTrue(Oracle.maxAbsDiff(outF, expected) <= atol);
        }
    }
}
