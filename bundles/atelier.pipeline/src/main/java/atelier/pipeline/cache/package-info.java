/**
 * The {@link atelier.api.spi.RunCache} the service hands strategies: values kept for a session (or one run) in
 * their own {@link ai.djl.ndarray.NDManager}, freed when it closes. Strategy tests create one directly.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package atelier.pipeline.cache;
