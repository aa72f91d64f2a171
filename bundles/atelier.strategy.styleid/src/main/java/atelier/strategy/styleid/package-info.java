/**
 * StyleID (Chung, Hyun, Heo, "Style Injection in Diffusion", CVPR 2024): the algorithm
 * ({@link atelier.strategy.styleid.StyleId}), the style half it computes once and shares across tiles and planes
 * ({@link atelier.strategy.styleid.StyleSide}), its parameters ({@link atelier.strategy.styleid.StyleIdSettings}),
 * latent AdaIN and the {@code bench styleid} command ({@link atelier.strategy.styleid.StyleIdBench}).
 * The attention rule itself is {@link atelier.runtime.injection.StyleInjectionProcessor}.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.1.0")
package atelier.strategy.styleid;
