package atelier.runtime.vae;

/** Constants of the diffusers autoencoder blocks. */
final class Vae {
    /** GroupNorm epsilon everywhere in the autoencoder. */
    static final float EPS = 1e-6f;

    private Vae() { }
}
