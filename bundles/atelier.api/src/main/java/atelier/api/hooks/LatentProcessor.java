package atelier.api.hooks;

import org.osgi.annotation.versioning.ConsumerType;

/** Sees, and may replace, the latent between scheduler steps. */
@ConsumerType
@FunctionalInterface
public interface LatentProcessor {
    void process(LatentCall call) throws Exception;
}
