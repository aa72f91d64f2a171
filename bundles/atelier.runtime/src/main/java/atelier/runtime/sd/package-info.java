/**
 * Stable Diffusion models and the loops that drive them: {@link atelier.runtime.sd.StableDiffusionModel} loads a
 * diffusers folder or a single-file LDM checkpoint, {@link atelier.runtime.sd.Sampler} runs DDIM sampling with
 * classifier-free guidance and hooks, {@link atelier.runtime.sd.Inverter} runs DDIM inversion. Memory is scoped
 * model ⊃ run ⊃ step: each step works in its own sub-manager of the caller's run manager and only the new latent
 * (and the trajectory, if kept) survives it.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package atelier.runtime.sd;
