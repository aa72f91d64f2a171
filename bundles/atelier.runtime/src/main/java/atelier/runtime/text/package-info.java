/**
 * CLIP text side of Stable Diffusion: the byte-level BPE {@link atelier.runtime.text.ClipTokenizer} and the
 * {@link atelier.runtime.text.ClipTextModel} transformer that turns token ids into the UNet's context.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package atelier.runtime.text;
