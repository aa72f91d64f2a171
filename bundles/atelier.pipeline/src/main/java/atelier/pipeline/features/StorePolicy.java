package atelier.pipeline.features;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** How the feature store keeps per-timestep features. */
public enum StorePolicy {
    /** Features in memory at full precision: fastest, largest. */
    FP32(0),
    /** Features in memory as IEEE half floats (values are rounded; relative error ≤ 2⁻¹¹ per element). */
    FP16(1e-2),
    /** Features at full precision in files under a temporary folder, deleted when the run closes. */
    DISK(0),
    /** No features: only latent trajectories; the strategy recomputes features in an extra batch row. */
    RECOMPUTE(0);

    /** Policy names as users type them, with {@code auto} first. */
    public static final List<String> CHOICES = List.of("auto", "fp32", "fp16", "disk", "recompute");

    private final double tolerance;

    StorePolicy(double tolerance) {
        this.tolerance = tolerance;
    }

    /**
     * The largest difference, in the final latent, that this policy may cause relative to {@link #FP32} at
     * 1e-4 absolute: 0 means "within 1e-4"; fp16 states its own bound in units of the latent's magnitude.
     */
    public double statedTolerance() { return tolerance; }

    /** True when the policy keeps no features and the strategy must recompute them. */
    public boolean recomputes() { return this == RECOMPUTE; }

    public String key() { return name().toLowerCase(Locale.ROOT); }

    /**
     * Resolves a user's choice; {@code auto} picks the cheapest policy whose memory fits the budget:
     * fp32, then fp16, then recompute.
     *
     * @throws IllegalArgumentException naming the value and the choices
     */
    public static StorePolicy resolve(String choice, FeatureNeeds needs, long budgetBytes) {
        String c = choice == null ? "auto" : choice.trim().toLowerCase(Locale.ROOT);
        if (c.equals("auto")) {
            if (needs.memoryBytes(FP32) <= budgetBytes) {
                return FP32;
            }
            if (needs.memoryBytes(FP16) <= budgetBytes) {
                return FP16;
            }
            return RECOMPUTE;
        }
        for (StorePolicy p : values()) {
            if (p.key().equals(c)) {
                return p;
            }
        }
        throw new IllegalArgumentException("store: '" + choice + "' is not one of " + CHOICES);
    }

    /** The memory budget {@code auto} uses: half the JVM's maximum heap. */
    public static long defaultBudget() { return Runtime.getRuntime().maxMemory() / 2; }

    @Override
    public String toString() { return key(); }

    static String names() { return Arrays.toString(values()); }
}
