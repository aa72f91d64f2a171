/**
 * Building blocks shared by the networks: scoped weight access with shape checks and functional layers.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package atelier.runtime.nn;
