package atelier.pipeline.images;

/** How {@link Padding} fills the added border. */
public enum PadMode {
    /** Mirror without repeating the edge row/column ({@code …c b | a b c}), like PyTorch's {@code reflect}. */
    REFLECT,
    /** Repeat the edge row/column, like PyTorch's {@code replicate}. */
    EDGE
}
