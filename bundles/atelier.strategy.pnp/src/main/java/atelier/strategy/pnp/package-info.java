/**
 * Plug-and-Play diffusion features (Tumanyan, Geyer, Bagon, Dekel, CVPR 2023): the algorithm
 * ({@link atelier.strategy.pnp.PlugAndPlay}), its parameters ({@link atelier.strategy.pnp.PnpSettings}), the
 * row-copy processors and the {@code bench pnp} command ({@link atelier.strategy.pnp.PnpBench}).
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package atelier.strategy.pnp;
