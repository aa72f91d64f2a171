/**
 * The per-timestep feature store: tensors keyed by (module path, kind, timestep), kept in fp32, fp16, on disk,
 * or not at all (only latent trajectories, features recomputed in an extra batch row), chosen by a
 * {@link atelier.pipeline.features.StorePolicy}.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package atelier.pipeline.features;
