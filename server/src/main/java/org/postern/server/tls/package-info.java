/**
 * The server certificate and the one {@link javax.net.ssl.SSLContext} all listeners share.
 *
 * <p>SECURITY: reads the operator's PEM files (paths from the configuration; the key file must be
 * owner-only) or the generated material under {@code <data dir>/tls}, whose private key exists on
 * disk only sealed under the master key. Protocols are TLS 1.3 and 1.2 (ECDHE + AEAD) on every
 * engine and socket the context creates. Refusals are {@link org.postern.crypto.KeyFileException}s
 * for the operator; nothing here talks to clients directly.
 */
package org.postern.server.tls;
