package atelier.strategy.latentstats.internal;

import java.util.Locale;

import ai.djl.ndarray.NDArray;
import atelier.pipeline.stats.LatentStatistics;

/** How the style latent's statistics are imposed on the content latent. */
enum MatchMethod {
    /** Per-channel mean and standard deviation. */
    ADAIN {
        @Override
        NDArray apply(NDArray content, NDArray style) {
            return LatentStatistics.adain(content, style, LatentStatistics.EPS);
        }
    },
    /** Whitening and colouring with the channel covariance. */
    WCT {
        @Override
        NDArray apply(NDArray content, NDArray style) {
            return LatentStatistics.wct(content, style, LatentStatistics.EPS);
        }
    };

    abstract NDArray apply(NDArray content, NDArray style);

    /** The parameter value ({@code adain}, {@code wct}). */
    String key() { return name().toLowerCase(Locale.ROOT); }

    static MatchMethod of(String key) { return valueOf(key.toUpperCase(Locale.ROOT)); }
}
