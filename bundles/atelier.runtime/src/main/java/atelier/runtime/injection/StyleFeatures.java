package atelier.runtime.injection;

import ai.djl.ndarray.NDArray;

/**
 * The injected features of one attention call: the content's query and the style's key and value, each
 * {@code [R, tokens, heads·headDim]} with R = 1 (broadcast to every target row) or R = the number of target
 * rows (matched in order, e.g. uncond with uncond and cond with cond).
 */
public record StyleFeatures(NDArray contentQuery, NDArray styleKey, NDArray styleValue) { }
