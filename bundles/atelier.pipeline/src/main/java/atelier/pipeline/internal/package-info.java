/**
 * The implementation of {@link atelier.api.StyleTransferService}: strategy tracking, request validation, the run
 * context, model lookup fallback and latent traces (a small safetensors writer). Not exported.
 */
package atelier.pipeline.internal;
