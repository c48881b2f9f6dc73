package org.postern.crypto;

/** A data key encrypted under the master key {@code masterKeyId}. */
public record WrappedKey(String masterKeyId, byte[] ciphertext) {}
