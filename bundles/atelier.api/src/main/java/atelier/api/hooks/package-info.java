/**
 * Hooks into a running diffusion model, keyed by diffusers module path, in the manner of diffusers'
 * attention processors: {@link atelier.api.hooks.AttentionProcessor} (sees and may replace q, k, v and the
 * logit scale, and may add extra key/value streams), {@link atelier.api.hooks.FeatureProcessor} (rewrites a
 * module's output) and {@link atelier.api.hooks.LatentProcessor} (between scheduler steps). A
 * {@link atelier.api.hooks.HookSet} collects them for one model call or loop.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package atelier.api.hooks;
