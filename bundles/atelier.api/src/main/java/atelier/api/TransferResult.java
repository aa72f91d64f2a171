package atelier.api;

import java.util.Map;

/**
 * A stylised image and everything needed to reproduce it.
 *
 * @param image           the result, the size of the content image
 * @param strategyId      which strategy made it
 * @param strategyVersion the version of the bundle that provides the strategy
 * @param bundle          that bundle's symbolic name
 * @param parameters      every parameter as used (defaults filled in)
 * @param seed            the random seed
 * @param model           the model as resolved (name or path), empty if none
 * @param modelSha256     SHA-256 of the model's main weights file, empty if none
 * @param seconds         wall time of the run
 */
public record TransferResult(FloatImage image, String strategyId, String strategyVersion, String bundle,
        Map<String, String> parameters, long seed, String model, String modelSha256, double seconds) {
    public TransferResult {
        parameters = Map.copyOf(parameters);
    }
}
