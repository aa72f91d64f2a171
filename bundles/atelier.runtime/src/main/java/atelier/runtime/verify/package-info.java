/**
 * Checks the Java networks against reference outputs produced by PyTorch + diffusers: reads a
 * {@code golden*.json} manifest, runs every case it knows (tokenizer, text encoder, UNet, VAE, scheduler,
 * sampling, inversion, attention injection, TAESD) and prints one PASS/FAIL line per case.
 * The attention-injection case runs the real StyleID rule,
 * {@link atelier.runtime.injection.StyleInjectionProcessor}, which the styleid strategy uses too.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package atelier.runtime.verify;
