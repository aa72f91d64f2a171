/**
 * Image files at the command line's edge: reading PNG/JPEG/TIFF into {@link atelier.api.FloatImage}s, writing
 * PNG results atomically, and side-by-side montages for {@code atelier demo}.
 */
package atelier.cli.image;
