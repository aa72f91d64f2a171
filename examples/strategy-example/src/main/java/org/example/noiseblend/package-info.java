/**
 * An example third-party style-transfer strategy ({@code noise-blend}) in its own namespace. It uses only the
 * published Atelier API/SPI, the pipeline's image and statistics helpers and the runtime's tiny autoencoder.
 */
package org.example.noiseblend;
