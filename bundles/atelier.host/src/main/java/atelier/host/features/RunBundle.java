package atelier.host.features;

import org.osgi.framework.VersionRange;

/**
 * One entry of a bndrun's {@code -runbundles}: a symbolic name and the version range the resolver chose.
 *
 * @param symbolicName the bundle's symbolic name
 * @param range        accepted versions
 */
public record RunBundle(String symbolicName, VersionRange range) {
    @Override
    public String toString() {
        return symbolicName + ";version='" + range + "'";
    }
}
