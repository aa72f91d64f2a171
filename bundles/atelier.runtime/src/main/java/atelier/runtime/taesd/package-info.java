/**
 * Tiny autoencoders of the TAESD family (MIT-licensed architecture by Ollin Boer Bohan): fast, approximate
 * image ↔ latent conversion for the latent spaces of SD 1/2, SDXL, SD3, FLUX.1 and FLUX.2, loaded from the
 * diffusers {@code AutoencoderTiny} layout or the original per-half files. Since 1.1: {@link
 * atelier.runtime.taesd.TaesdStages}, each half cut into a tileable high-resolution part and a whole-map
 * latent-scale part (for large images, so TAEF2's GroupNorm blocks see the whole map).
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.1.0")
package atelier.runtime.taesd;
