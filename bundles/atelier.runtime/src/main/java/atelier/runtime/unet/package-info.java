/**
 * The Stable Diffusion UNet ({@code UNet2DConditionModel}) in the diffusers layout: its configuration
 * ({@link atelier.runtime.unet.UNetConfig}, SD 1.x and 2.x) and the network with hook dispatch
 * ({@link atelier.runtime.unet.UNet2DConditionModel}).
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package atelier.runtime.unet;
