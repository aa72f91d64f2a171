/**
 * The {@code atelier} command line (picocli): {@code transfer}, {@code strategies}, {@code features},
 * {@code models}, {@code verify}, {@code bench} and {@code demo}. A thin host: it gathers a request, calls
 * {@link atelier.api.StyleTransferService} inside the plugin host and presents progress and results; everything
 * it shows about strategies comes from their {@link atelier.api.spi.ParameterSpec}s.
 */
package atelier.cli;
