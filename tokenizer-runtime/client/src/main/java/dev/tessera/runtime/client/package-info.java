/**
 * A Java client of {@code tessera.v1.TokenizerService}: {@link
 * dev.tessera.runtime.client.TokenizerClient} encodes images and decodes token grids on a Tessera
 * server with deadlines, retries of {@code UNAVAILABLE}, TLS or mutual TLS, and bearer-token
 * authentication, and hands back the library's own value types ({@link
 * dev.tessera.runtime.ImageBatch}, {@link dev.tessera.runtime.TokenBatch}).
 */
package dev.tessera.runtime.client;
