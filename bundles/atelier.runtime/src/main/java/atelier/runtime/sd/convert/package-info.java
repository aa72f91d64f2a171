/**
 * Reading single-file LDM (CompVis / "original Stable Diffusion") checkpoints with the diffusers-named
 * networks: a {@link atelier.runtime.sd.convert.MappedTensorSource} presents the checkpoint's tensors under
 * diffusers names, computed per key by a {@link atelier.runtime.sd.convert.KeyMapping} (UNet, VAE, CLIP text
 * encoder). Nothing is copied: names are translated on lookup, tensors are loaded (and, for 1×1-conv attention
 * weights, reshaped) only when a network asks for them; tensors no network asks for are never read.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package atelier.runtime.sd.convert;
