package atelier.api.hooks;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

import org.osgi.annotation.versioning.ProviderType;

/** The latent after a scheduler step. */
@ProviderType
public interface LatentCall {
    StepInfo step();

    NDArray latent();

    void setLatent(NDArray replacement);

    NDManager manager();
}
