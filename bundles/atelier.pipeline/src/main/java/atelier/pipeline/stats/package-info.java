/**
 * Latent statistics for strategies: per-channel mean and standard deviation, channel covariance, AdaIN and WCT
 * matching, and a small symmetric eigen-solver in doubles.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package atelier.pipeline.stats;
