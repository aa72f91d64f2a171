/**
 * Throughput benchmarks of the full-size networks with random weights ({@code bench unet|vae}): median time per
 * forward, GFLOP/s from analytic operation counts, peak resident memory. Speed targets are checked with these
 * figures, never by timed tests.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package atelier.runtime.bench;
