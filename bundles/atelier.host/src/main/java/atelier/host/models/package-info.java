/**
 * The model store: where model weights live on disk ({@link atelier.host.models.ModelStore}, the host's
 * {@link atelier.api.spi.ModelLocator}), the models it knows by name ({@link atelier.host.models.ModelRegistry}),
 * resumable, SHA-256-verified downloads from a Hugging Face compatible hub
 * ({@link atelier.host.models.ModelDownloader}), checks of what is on disk
 * ({@link atelier.host.models.ModelVerifier}) and the command facade the CLI forwards to
 * ({@link atelier.host.models.ModelCommands}).
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package atelier.host.models;
