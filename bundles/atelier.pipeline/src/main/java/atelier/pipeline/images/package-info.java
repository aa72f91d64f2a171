/**
 * Image helpers for strategies: {@link atelier.api.FloatImage} ↔ {@code NDArray [1,C,H,W]} conversion,
 * padding to a multiple of 8 and cropping back, resizing and YCbCr colour handling.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package atelier.pipeline.images;
