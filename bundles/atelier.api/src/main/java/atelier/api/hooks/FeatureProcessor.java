package atelier.api.hooks;

import org.osgi.annotation.versioning.ConsumerType;

/** Sees, and may replace, the output of a module. */
@ConsumerType
@FunctionalInterface
public interface FeatureProcessor {
    void process(FeatureCall call) throws Exception;
}
