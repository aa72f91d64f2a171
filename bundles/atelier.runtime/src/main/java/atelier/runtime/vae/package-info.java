/**
 * The Stable Diffusion autoencoder ({@code AutoencoderKL}) in the diffusers layout, including the legacy
 * mid-block attention key names.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package atelier.runtime.vae;
