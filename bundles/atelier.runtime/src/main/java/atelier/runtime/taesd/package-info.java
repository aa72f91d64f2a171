/**
 * Tiny autoencoders of the TAESD family (MIT-licensed architecture by Ollin Boer Bohan): fast, approximate
 * image ↔ latent conversion for the latent spaces of SD 1/2, SDXL, SD3, FLUX.1 and FLUX.2, loaded from the
 * diffusers {@code AutoencoderTiny} layout or the original per-half files.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package atelier.runtime.taesd;
