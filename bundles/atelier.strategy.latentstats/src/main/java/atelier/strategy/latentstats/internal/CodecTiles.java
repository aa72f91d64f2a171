package atelier.strategy.latentstats.internal;

import atelier.pipeline.tiling.TileGrid;

/**
 * How the autoencoder sees a large image: pixel tiles of {@code tile} px sharing {@code overlap} px with their
 * neighbours for the encoder, and the same tiles divided by the autoencoder's factor for the decoder. The channel
 * statistics are always measured on the whole latent; only the networks work tile by tile.
 *
 * @param tile    tile side in pixels (a multiple of the factor)
 * @param overlap pixels neighbouring tiles share (a multiple of the factor, below {@code tile})
 */
record CodecTiles(int tile, int overlap) {
    /** The autoencoder's spatial factor: tiles start and end on multiples of it. */
    static final int FACTOR = 8;

    /**
     * 512 px tiles overlapping by 128 px: the autoencoder's working memory is that of a 512² image. Measured against
     * one whole-image pass at about 1024² (see the README), 128 px bands halve the largest difference of 64 px
     * ones (TAESD: max 0.10–0.19, mean 0.003 instead of 0.25–0.33 and 0.004–0.005) for 1.5× the tiles.
     */
    static final CodecTiles DEFAULT = new CodecTiles(512, 128);

    CodecTiles {
        if (tile < FACTOR || tile % FACTOR != 0 || overlap < 0 || overlap % FACTOR != 0 || overlap >= tile) {
            throw new IllegalArgumentException("tile " + tile + " px with overlap " + overlap
                    + " px: both must be multiples of " + FACTOR + " and the overlap smaller than the tile");
        }
    }

    /** Encoder tiles over a padded image of {@code width × height} pixels (multiples of {@link #FACTOR}). */
    TileGrid pixels(int width, int height) {
        return TileGrid.of(width, height, tile, overlap, FACTOR);
    }

    /** Decoder tiles over a latent of {@code width × height} positions: the pixel tiles divided by the factor. */
    TileGrid latent(int width, int height) {
        return TileGrid.of(width, height, tile / FACTOR, overlap / FACTOR, 1);
    }

    /** Part of cache keys: values computed with other tiles differ slightly. */
    String key() {
        return tile + "/" + overlap;
    }
}
