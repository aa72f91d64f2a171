/**
 * Copies the plugin into a Fiji installation in Fiji's layout ({@link atelier.imagej.install.FijiInstall}, run by
 * the {@code fiji-install} Maven profile): the plugin jar into {@code plugins/}, its libraries into {@code jars/}
 * unless Fiji already ships them, the features into {@code atelier/features/}. Pure Java, no ImageJ classes.
 */
package atelier.imagej.install;
