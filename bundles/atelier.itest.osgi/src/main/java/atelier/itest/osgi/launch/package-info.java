/**
 * Runs the bundle's JUnit 5 test classes with the JUnit Platform launcher inside the framework (not exported:
 * the outer test loads {@link atelier.itest.osgi.launch.InFrameworkRunner} through the bundle).
 */
package atelier.itest.osgi.launch;
