/**
 * Starting the embedded OSGi framework: the system packages the host shares with bundles, DJL set-up before the
 * framework starts, and the guard that refuses bundles embedding DJL or libtorch.
 */
package atelier.host.framework;
