package org.postern.store.queue;

/** Where one remote recipient of a queued message stands. QUEUED and DEFERRED are still to be tried. */
public enum RecipientState {
    /** Not tried yet. */
    QUEUED,
    /** Tried, answered 4xx or not reachable: tried again at its next attempt time. */
    DEFERRED,
    /** Accepted by the remote server (2xx). */
    DELIVERED,
    /** Refused permanently (5xx), undeliverable (null MX, no host) or expired; a DSN went to the sender. */
    FAILED;

    public boolean pending() {
        return this == QUEUED || this == DEFERRED;
    }
}
