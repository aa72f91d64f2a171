/**
 * Atelier's own presets, offered as a {@link atelier.api.spi.UiContribution} service. Not exported: hosts reach
 * the presets through the service.
 */
package atelier.ui.presets.internal;
