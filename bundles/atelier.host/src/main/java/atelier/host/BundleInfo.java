package atelier.host;

import org.osgi.framework.Bundle;

/**
 * One bundle in the host's framework, as a host shows it.
 *
 * @param id           the framework's bundle id
 * @param symbolicName Bundle-SymbolicName
 * @param version      Bundle-Version
 * @param state        INSTALLED, RESOLVED, STARTING, ACTIVE, STOPPING or UNINSTALLED
 */
public record BundleInfo(long id, String symbolicName, String version, String state) {

    /** Describes a framework bundle. */
    public static BundleInfo of(Bundle bundle) {
        return new BundleInfo(bundle.getBundleId(), String.valueOf(bundle.getSymbolicName()),
                bundle.getVersion().toString(), stateName(bundle.getState()));
    }

    /** The name of an OSGi bundle state constant. */
    public static String stateName(int state) {
        return switch (state) {
            case Bundle.INSTALLED -> "INSTALLED";
            case Bundle.RESOLVED -> "RESOLVED";
            case Bundle.STARTING -> "STARTING";
            case Bundle.ACTIVE -> "ACTIVE";
            case Bundle.STOPPING -> "STOPPING";
            case Bundle.UNINSTALLED -> "UNINSTALLED";
            default -> "UNKNOWN(" + state + ")";
        };
    }
}
