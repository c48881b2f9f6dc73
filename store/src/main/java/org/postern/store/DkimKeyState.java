package org.postern.store;

/**
 * ACTIVE keys sign new mail (one per algorithm per domain); RETIRED keys sign nothing but stay
 * published, so mail signed before a rotation still verifies while it is in flight.
 */
public enum DkimKeyState {
    ACTIVE,
    RETIRED
}
