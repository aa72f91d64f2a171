/** The StyleID strategy service and its run (not exported). */
package atelier.strategy.styleid.internal;
