package atelier.runtime.injection;

import atelier.api.hooks.AttentionCall;

/** Where the {@link StyleInjectionProcessor} gets its features for a call. */
@FunctionalInterface
public interface StyleFeatureSource {
    /** The features for this call, or null to leave the call untouched (a step or layer without injection). */
    StyleFeatures at(AttentionCall call) throws Exception;
}
