package atelier.host.features;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import org.osgi.framework.VersionRange;

import atelier.host.framework.HeaderClause;

/** Reads the {@code -runbundles} a bnd resolver wrote into a {@code .bndrun} file (no bnd needed at run time). */
public final class BndrunFile {

    private BndrunFile() {}

    /**
     * @return the bundles in file order
     * @throws FeatureException when the file is missing, unreadable or has no {@code -runbundles}
     */
    public static List<RunBundle> runBundles(Path bndrun) throws FeatureException {
        if (!Files.isRegularFile(bndrun)) throw new FeatureException("feature file not found: " + bndrun);
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(bndrun, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException | IllegalArgumentException e) {
            throw new FeatureException("cannot read " + bndrun + ": " + e.getMessage(), e);
        }
        String value = p.getProperty("-runbundles");
        if (value == null || value.isBlank()) {
            throw new FeatureException(bndrun + " has no -runbundles; resolve it at build time (bnd-resolver-maven-plugin)");
        }
        List<RunBundle> out = new ArrayList<>();
        try {
            for (HeaderClause clause : HeaderClause.parse(value)) {
                String range = clause.attribute("version", "0.0.0");
                for (String bsn : clause.paths()) out.add(new RunBundle(bsn, new VersionRange(range)));
            }
        } catch (IllegalArgumentException e) {
            throw new FeatureException("bad -runbundles entry in " + bndrun + ": " + e.getMessage(), e);
        }
        return out;
    }
}
