/**
 * Dispatch of {@link atelier.api.hooks.HookSet} processors inside a model call: the runtime's implementations
 * of {@link atelier.api.hooks.AttentionCall} and {@link atelier.api.hooks.FeatureCall}, and validation of hook
 * paths against a model's hook points (an unknown path names the nearest valid ones).
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package atelier.runtime.hooks;
