/**
 * JUnit 5 tests that run inside a running Atelier host (OSGi Testing Support injects the bundle context and
 * services): the service and strategies with their properties, export hygiene, a strategy bundle installed,
 * updated and uninstalled while the framework runs, and a transfer through the service. Not exported.
 */
package atelier.itest.osgi;
