package org.postern.store;

/**
 * The life of an address: only ACTIVE addresses receive mail. SUSPENDED is refused like an
 * unknown address until its owner reinstates it; REVOKED is permanent.
 */
public enum AddressState {
    ACTIVE,
    SUSPENDED,
    REVOKED
}
