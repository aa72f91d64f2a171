package atelier.runtime.testutil;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import ai.djl.ndarray.NDArray;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

/** The shared test folder: tiny models and the diffusers reference outputs. */
public final class Oracle {
    private Oracle() { }

    public static Path shared() {
        return Path.of(System.getProperty("atelier.shared", "../../../shared")).toAbsolutePath().normalize();
    }

    public static Path tinySd() {
        return shared().resolve("models/tiny-sd");
    }

    public static Path goldenDir() {
        return shared().resolve("oracle/golden/tiny-sd");
    }

    /** The case object with {@code id} from golden.json. */
    public static JsonObject goldenCase(String id) throws IOException {
        JsonObject root = JsonParser.parseString(Files.readString(goldenDir().resolve("golden.json"),
                StandardCharsets.UTF_8)).getAsJsonObject();
        for (JsonElement c : root.getAsJsonArray("cases")) {
            if (c.getAsJsonObject().get("id").getAsString().equals(id)) {
                return c.getAsJsonObject();
            }
        }
        throw new IllegalArgumentException("no golden case " + id);
    }

    /** Largest absolute difference. */
    public static double maxAbsDiff(NDArray a, NDArray b) {
        if (!a.getShape().equals(b.getShape())) {
            throw new AssertionError("shape " + a.getShape() + " vs " + b.getShape());
        }
        return a.sub(b).abs().max().getFloat();
    }
}
