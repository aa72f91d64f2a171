package atelier.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

class HostConfigTest {

    @Test
    void pathsDefaultUnderHome() {
        Path home = Path.of("some", "home");
        HostConfig c = HostConfig.builder().home(home).featureRepository(Path.of("repo")).build();
        assertEquals(home.resolve("felix-cache"), c.storage());
        assertEquals(home.resolve("bundles"), c.bundlesDirectory());
        assertEquals(home.resolve("features.installed"), c.installedFeaturesFile());
        assertEquals(Path.of("repo"), c.featureRepository());
        assertEquals(List.of("core", "latent-stats"), c.initialFeatures());
        assertEquals(Duration.ofSeconds(30), c.serviceTimeout());
        assertEquals(null, c.modelLocator());
    }

    @Test
    void systemPropertiesOverrideTheDefaults() {
        String oldHome = System.getProperty("atelier.home");
        String oldFeatures = System.getProperty("atelier.features");
        try {
            System.setProperty("atelier.home", "h");
            System.setProperty("atelier.features", "f");
            HostConfig c = HostConfig.builder().build();
            assertEquals(Path.of("h"), c.home());
            assertEquals(Path.of("f"), c.featureRepository());
        } finally {
            restore("atelier.home", oldHome);
            restore("atelier.features", oldFeatures);
        }
    }

    @Test
    void everyPathCanBeOverridden() {
        HostConfig c = HostConfig.builder().home(Path.of("h")).storage(Path.of("s")).bundlesDirectory(Path.of("b"))
                .featureRepository(Path.of("r")).initialFeatures("core").build();
        assertEquals(Path.of("s"), c.storage());
        assertEquals(Path.of("b"), c.bundlesDirectory());
        assertEquals(List.of("core"), c.initialFeatures());
    }

    @Test
    void badValuesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> HostConfig.builder().pollMillis(1));
        assertThrows(IllegalArgumentException.class, () -> HostConfig.builder().serviceTimeout(Duration.ofSeconds(-1)));
    }

    private static void restore(String key, String value) {
        if (value == null) System.clearProperty(key);
        else System.setProperty(key, value);
    }
}
