package atelier.host.features;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Version;
import org.osgi.framework.VersionRange;

class FeatureFilesTest {
    @TempDir
    Path dir;

    @Test
    void readsRunbundlesFromABndrun() throws Exception {
        Path f = dir.resolve("x.bndrun");
        Files.writeString(f, "-include: ${.}/../host-profile.bnd\n-runfw: org.apache.felix.framework;version='[7.0.5,7.0.6)'\n"
                + "-runbundles: \\\n\tatelier.runtime;version='[0.1.0,0.1.1)',\\\n\torg.apache.felix.scr;version='[2.2.12,2.2.13)'");
        List<RunBundle> run = BndrunFile.runBundles(f);
        assertEquals(2, run.size());
        assertEquals("atelier.runtime", run.get(0).symbolicName());
        assertTrue(run.get(0).range().includes(Version.parseVersion("0.1.0.202611230250")));
        assertEquals(new VersionRange("[2.2.12,2.2.13)"), run.get(1).range());
    }

    @Test
    void aBndrunWithoutRunbundlesIsAClearError() throws Exception {
        Path f = dir.resolve("y.bndrun");
        Files.writeString(f, "-runrequires: bnd.identity;id='a'\n");
        FeatureException e = assertThrows(FeatureException.class, () -> BndrunFile.runBundles(f));
        assertTrue(e.getMessage().contains("no -runbundles") && e.getMessage().contains("y.bndrun"), e.getMessage());
    }

    @Test
    void readsAnR5IndexAndPicksTheHighestMatchingVersion() throws Exception {
        Files.writeString(dir.resolve("index.xml"), """
                <?xml version='1.0' encoding='UTF-8'?>
                <repository xmlns="http://www.osgi.org/xmlns/repository/v1.0.0" name="t" increment="1">
                  <resource>
                    <capability namespace="osgi.identity">
                      <attribute name="osgi.identity" value="a.b"/><attribute name="type" value="osgi.bundle"/>
                      <attribute name="version" value="1.0.1" type="Version"/>
                    </capability>
                    <capability namespace="osgi.content">
                      <attribute name="size" value="10" type="Long"/><attribute name="url" value="bundles/a-1.0.1.jar"/>
                      <attribute name="osgi.content" value="ABCDEF"/>
                    </capability>
                  </resource>
                  <resource>
                    <capability namespace="osgi.identity">
                      <attribute name="osgi.identity" value="a.b"/><attribute name="type" value="osgi.fragment"/>
                      <attribute name="version" value="1.0.7" type="Version"/>
                    </capability>
                    <capability namespace="osgi.content">
                      <attribute name="osgi.content" value="123"/><attribute name="url" value="bundles/a-1.0.7.jar"/>
                    </capability>
                  </resource>
                  <resource>
                    <capability namespace="osgi.identity">
                      <attribute name="osgi.identity" value="a.b"/><attribute name="version" value="2.0.0" type="Version"/>
                    </capability>
                    <capability namespace="osgi.content">
                      <attribute name="osgi.content" value="456"/><attribute name="url" value="bundles/a-2.jar"/>
                    </capability>
                  </resource>
                </repository>
                """);
        RepositoryIndex index = RepositoryIndex.readFolder(dir);
        assertEquals(3, index.bundles().size());
        IndexedBundle first = index.bundles().get(0);
        assertEquals("abcdef", first.sha256(), "hashes compare in lower case");
        assertEquals(10, first.size());
        assertEquals(dir.resolve("bundles/a-1.0.1.jar").toUri(), first.url(), "URLs are relative to the index");
        IndexedBundle best = index.best(new RunBundle("a.b", new VersionRange("[1.0.0,1.1.0)"))).orElseThrow();
        assertEquals(Version.parseVersion("1.0.7"), best.version());
        assertTrue(best.fragment());
        assertEquals(-1, best.size());
        assertTrue(index.best(new RunBundle("a.b", new VersionRange("[3,4)"))).isEmpty());
    }

    @Test
    void aMissingIndexOrDoctypeIsRefused() throws Exception {
        FeatureException missing = assertThrows(FeatureException.class, () -> RepositoryIndex.readFolder(dir));
        assertTrue(missing.getMessage().contains("no index.xml"), missing.getMessage());
        Files.writeString(dir.resolve("index.xml"), "<!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><repository>&x;</repository>");
        assertThrows(FeatureException.class, () -> RepositoryIndex.readFolder(dir));
    }
}
