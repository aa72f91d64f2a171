/**
 * The service a host calls to stylise an image: requests, results, progress and cancellation.
 * Hosts (the command line, the Fiji plugin, a third party's editor) depend only on this package.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.1.0")
package atelier.api;
