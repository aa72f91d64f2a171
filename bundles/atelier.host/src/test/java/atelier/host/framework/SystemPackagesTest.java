package atelier.host.framework;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.osgi.framework.Version;

class SystemPackagesTest {

    @Test
    void exportsDjlAtItsJarVersionAndTheApiAtItsDeclaredVersion() {
        List<SystemPackages.ExportedPackage> all = SystemPackages.ofHostClassPath();
        Version djl = new Version(0, 35, 1);
        assertTrue(all.contains(new SystemPackages.ExportedPackage("ai.djl.ndarray", djl)), all.toString());
        assertTrue(all.contains(new SystemPackages.ExportedPackage("ai.djl.pytorch.jni", djl)), all.toString());
        assertTrue(all.contains(new SystemPackages.ExportedPackage("atelier.api.spi", new Version(1, 1, 0))), all.toString());
        assertTrue(all.stream().anyMatch(p -> p.name().equals("org.slf4j")));
        assertTrue(all.stream().anyMatch(p -> p.name().equals("com.google.gson")));
        assertTrue(all.stream().filter(p -> p.name().startsWith("ai.djl")).allMatch(p -> p.version().equals(djl)));
        assertFalse(all.stream().anyMatch(p -> p.name().startsWith("META-INF")));
        assertTrue(all.stream().filter(p -> p.name().startsWith("ai.djl")).count() > 50, "every DJL package with classes");
    }

    @Test
    void headerIsCommaSeparatedWithVersions() {
        String h = SystemPackages.header(List.of(new SystemPackages.ExportedPackage("a.b", new Version(1, 2, 3)),
                new SystemPackages.ExportedPackage("c", new Version(0, 0, 0))));
        assertEquals("a.b;version=1.2.3,c;version=0.0.0", h);
    }
}
