package atelier.pipeline.features;

/**
 * What a strategy will store in one run, declared before it starts, so a default policy can be chosen and
 * the store's size predicted.
 *
 * @param featureElements float elements of all features over all steps (what fp32/fp16/disk keep)
 * @param latentElements  float elements of the latent trajectories (kept by every policy, in fp32)
 */
public record FeatureNeeds(long featureElements, long latentElements) {
    public FeatureNeeds {
        if (featureElements < 0 || latentElements < 0) {
            throw new IllegalArgumentException("negative element count");
        }
    }

    /** Bytes held in memory under {@code policy} (disk: only the latents). */
    public long memoryBytes(StorePolicy policy) {
        long latents = latentElements * 4;
        switch (policy) {
            case FP32: return latents + featureElements * 4;
            case FP16: return latents + featureElements * 2;
            case DISK:
            case RECOMPUTE:
            default: return latents;
        }
    }
}
