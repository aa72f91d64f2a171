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
     * 512 px tiles overlapping by 128 px: the autoencoder's high-resolution layers work on 512² images (its
     * latent-scale layers on the whole 1/8 map). Measured against one whole-image pass at about 1024² (see the
     * README), 128 px bands roughly halve the largest difference of 64 px ones (TAESD: max 0.08–0.15, mean 0.001
     * instead of 0.12–0.35 and 0.002; TAEF2: max 0.02–0.04, mean 0.0004) for 1.5× the tiles.
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
