/**
 * Large images in pieces: {@link atelier.pipeline.tiling.TileGrid} cuts a plane (in pixels or latent positions) into
 * overlapping tiles of one size, {@link atelier.pipeline.tiling.TileBlender} puts per-tile results back together with
 * feathered weights, and {@link atelier.pipeline.tiling.TiledCodec} runs an encoder or decoder tile by tile, so an
 * autoencoder never sees more than one tile at a time. Diffusion strategies tile the latent; autoencoder strategies
 * tile pixels and still measure statistics on the whole latent.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package atelier.pipeline.tiling;
