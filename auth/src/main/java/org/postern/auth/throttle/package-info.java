/**
 * Sign-in throttling: growing delays and locks for failed attempts, counted per address and per
 * account from an address, shared by every node through the database.
 *
 * <p>SECURITY: exposed to attacker-chosen logins (any text; only their SHA-256 is kept, and an
 * account that does not exist is counted like one that does) and to client addresses as the
 * transport reports them. Keys are bounded in length. Reaches only the sign-in throttle rows,
 * through a server-wide system scope.
 */
package org.postern.auth.throttle;
