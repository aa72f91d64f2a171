/**
 * The {@code latent-stats} strategy: AdaIN / WCT on the latents of a TAESD-family autoencoder. Not exported;
 * the strategy is reached through its {@link atelier.api.spi.InjectionStrategy} service.
 */
package atelier.strategy.latentstats.internal;
