package atelier.host.features;

import java.net.URI;

import org.osgi.framework.Version;

/**
 * A resource in an OSGi R5 repository index: identity plus the {@code osgi.content} capability.
 *
 * @param symbolicName {@code osgi.identity}
 * @param version      the identity's version
 * @param fragment     {@code type=osgi.fragment}
 * @param url          where the jar is, resolved against the index's location
 * @param sha256       expected SHA-256, lower-case hex
 * @param size         expected size in bytes, or -1 when the index does not say
 */
public record IndexedBundle(String symbolicName, Version version, boolean fragment, URI url, String sha256, long size) {
}
