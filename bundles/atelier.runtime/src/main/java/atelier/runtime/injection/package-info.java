/**
 * Feature injection rules shared by strategies and verification: StyleID's attention rule
 * ({@link atelier.runtime.injection.StyleInjectionProcessor}), row-copy processors for injecting a source
 * branch into other batch rows, and capture processors that hand per-step features to a sink.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package atelier.runtime.injection;
