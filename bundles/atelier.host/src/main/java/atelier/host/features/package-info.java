/**
 * Features: named sets of bundles ({@code <name>.bndrun} resolved at build time plus an R5 index with SHA-256 per
 * bundle) that the host installs, verifies and uninstalls at run time, without bnd on the class path.
 */
package atelier.host.features;
