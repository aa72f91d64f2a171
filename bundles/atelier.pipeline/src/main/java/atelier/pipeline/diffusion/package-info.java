/**
 * What the inversion-based strategies share: a Stable Diffusion model's parts loaded from a diffusers folder
 * ({@link atelier.pipeline.diffusion.SdParts}), the DDIM noise schedule and update
 * ({@link atelier.pipeline.diffusion.DdimSchedule}), and image/latent conversions.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package atelier.pipeline.diffusion;
