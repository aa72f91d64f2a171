/**
 * Checks the Java networks against reference outputs produced by PyTorch + diffusers: reads a
 * {@code golden*.json} manifest, runs every case it knows (tokenizer, text encoder, UNet, VAE, scheduler,
 * sampling, inversion, attention injection, TAESD) and prints one PASS/FAIL line per case.
 * {@link atelier.runtime.verify.KvInjectionProcessor} is a real StyleID-style attention processor written with
 * the public hook API, as a strategy would write it.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package atelier.runtime.verify;
