/**
 * The service provider interface: what a strategy bundle implements ({@link atelier.api.spi.InjectionStrategy},
 * {@link atelier.api.spi.StrategyRun}) and what a UI bundle contributes ({@link atelier.api.spi.UiContribution}).
 * One {@link atelier.api.spi.ParameterSpec} list per strategy feeds dialogs, macro keys, CLI flags and validation.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.1.0")
package atelier.api.spi;
