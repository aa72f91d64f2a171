/** The Plug-and-Play strategy service and its run (not exported). */
package atelier.strategy.pnp.internal;
