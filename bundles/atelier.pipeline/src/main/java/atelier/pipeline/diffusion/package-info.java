/**
 * What the inversion-based strategies share: a Stable Diffusion model's parts loaded from a diffusers folder
 * ({@link atelier.pipeline.diffusion.SdParts}), the DDIM schedule and update as the methods use them
 * ({@link atelier.pipeline.diffusion.DdimSchedule}, over the runtime's {@code atelier.runtime.scheduler}), and
 * image/latent conversions.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.1.0")
package atelier.pipeline.diffusion;
