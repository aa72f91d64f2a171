/**
 * Fused operations DJL does not expose (scaled-dot-product attention, group norm, SiLU, GELU): a TorchScript
 * ops library generated in Java when the engine can load it, with a pure-DJL fallback that gives the same numbers.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package atelier.runtime.ops;
