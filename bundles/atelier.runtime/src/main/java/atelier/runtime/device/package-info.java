/**
 * Which device runs compute: the CPU by default, a CUDA GPU when the engine reports one (or when asked for).
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package atelier.runtime.device;
