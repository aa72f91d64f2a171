/**
 * The Atelier host: starts the embedded OSGi framework with DJL and the Atelier API on the host class path,
 * installs features, watches a bundles folder and hands out the {@link atelier.api.StyleTransferService}.
 * Hosts (the command line, the Fiji plugin, a third party's editor) use {@link atelier.host.AtelierHost} and
 * {@link atelier.host.HostConfig}.
 */
package atelier.host;
