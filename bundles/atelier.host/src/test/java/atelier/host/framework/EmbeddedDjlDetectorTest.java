package atelier.host.framework;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedDjlDetectorTest {
    @TempDir
    Path dir;

    @Test
    void flagsDjlClassesNativesAndLibtorch() {
        assertTrue(EmbeddedDjlDetector.offending("ai/djl/engine/Engine.class").isPresent());
        assertTrue(EmbeddedDjlDetector.offending("lib/classes/ai/djl/ndarray/NDArray.class").isPresent());
        assertTrue(EmbeddedDjlDetector.offending("native/lib/pytorch.properties").isPresent());
        assertTrue(EmbeddedDjlDetector.offending("jnilib/linux-x86_64/cpu/libdjl_torch.so").isPresent());
        assertTrue(EmbeddedDjlDetector.offending("pytorch/cpu/linux-x86_64/libtorch_cpu.so").isPresent());
        assertTrue(EmbeddedDjlDetector.offending("libs/libc10.so").isPresent());
        assertTrue(EmbeddedDjlDetector.offending("win/torch_cpu.dll").isPresent());
    }

    @Test
    void leavesOrdinaryBundlesAlone() {
        for (String ok : new String[] {"atelier/strategy/Foo.class", "META-INF/MANIFEST.MF", "ai/", "ai/djl/", "native/lib/",
                "OSGI-INF/x.xml", "lib/libopencv.so", "docs/pytorch.md"}) {
            assertEquals(Optional.empty(), EmbeddedDjlDetector.offending(ok), ok);
        }
    }

    @Test
    void inspectsJarsAndTheirBundleClassPath() throws IOException {
        Path clean = jar("clean.jar", Map.of(), Map.of("x/Y.class", new byte[3]));
        assertEquals(Optional.empty(), EmbeddedDjlDetector.inspect(clean));

        Path direct = jar("direct.jar", Map.of(), Map.of("ai/djl/Device.class", new byte[3]));
        assertTrue(EmbeddedDjlDetector.inspect(direct).orElseThrow().contains("ai/djl/Device.class"));

        byte[] inner = Files.readAllBytes(jar("inner.jar", Map.of(), Map.of("pytorch/cpu/libtorch.so", new byte[3])));
        Path nested = jar("nested.jar", Map.of("Bundle-ClassPath", ".,lib/inner.jar"), Map.of("lib/inner.jar", inner));
        String why = EmbeddedDjlDetector.inspect(nested).orElseThrow();
        assertTrue(why.contains("libtorch.so") && why.contains("lib/inner.jar"), why);

        Path unlisted = jar("unlisted.jar", Map.of(), Map.of("lib/inner.jar", inner));
        assertEquals(Optional.empty(), EmbeddedDjlDetector.inspect(unlisted), "a jar not on the Bundle-ClassPath loads nothing");
    }

    private Path jar(String name, Map<String, String> headers, Map<String, byte[]> entries) throws IOException {
        Manifest mf = new Manifest();
        mf.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        headers.forEach(mf.getMainAttributes()::putValue);
        Path p = dir.resolve(name);
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (JarOutputStream out = new JarOutputStream(buf, mf)) {
            for (var e : entries.entrySet()) {
                out.putNextEntry(new JarEntry(e.getKey()));
                out.write(e.getValue());
                out.closeEntry();
            }
        }
        try (OutputStream os = Files.newOutputStream(p)) {
            buf.writeTo(os);
        }
        return p;
    }
}
