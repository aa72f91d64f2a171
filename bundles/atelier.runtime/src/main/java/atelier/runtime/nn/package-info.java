/**
 * Building blocks of the diffusers networks, named and loaded as diffusers names them: scoped weight access
 * with shape checks ({@link atelier.runtime.nn.Weights}, also a random mode for benchmarks), convolution,
 * linear and norm layers, {@code ResnetBlock2D}, down/up-samplers, timestep embeddings, {@code Attention},
 * {@code BasicTransformerBlock} and {@code Transformer2DModel}. Every block runs in its own sub-manager
 * ({@link atelier.runtime.nn.Scope}) so intermediates are freed as the forward goes.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package atelier.runtime.nn;
