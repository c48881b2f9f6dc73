package org.postern.store;

/** The life of an address: only ACTIVE addresses receive mail. REVOKED is permanent. */
public enum AddressState {
    ACTIVE,
    REVOKED
}
