/**
 * Reading weights: the memory-mapped safetensors reader and the {@link atelier.runtime.io.TensorSource}
 * abstraction every network loads from.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package atelier.runtime.io;
