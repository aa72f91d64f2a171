package atelier.api.spi;

import ai.djl.ndarray.NDArray;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Collects named latents of a run (e.g. {@code inversion.style.t0101}, {@code generation.t0801}) into one
 * safetensors file written when the run ends. The sink copies the array; the caller keeps ownership.
 */
@ProviderType
public interface TraceSink {
    void record(String name, NDArray latent);
}
