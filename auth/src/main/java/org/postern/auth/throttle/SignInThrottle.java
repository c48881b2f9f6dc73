package org.postern.auth.throttle;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import org.postern.access.AccessPolicy;
import org.postern.access.Caller;
import org.postern.access.Scope;
import org.postern.store.MetadataStore;
import org.postern.store.identity.SignInRepository;
import org.postern.store.identity.ThrottleState;

/**
 * Slows down and stops password guessing, shared by every node through the database.
 *
 * <p>Failures are counted under two keys: the source address ({@code ip:<address>}) and one
 * account from that address ({@code acct:<sha256 of the lowercased login>|ip:<address>}). The
 * login is hashed whether or not such an account exists, so a login that does not exist is
 * counted, slowed and locked exactly like one that does: throttling reveals nothing about which
 * accounts exist, and the table holds no logins in clear. Locking an account from one address
 * never affects the same account from another, so an attacker cannot lock a user out; the
 * per-address lock stops one source from trying many accounts. An IPv6 client is counted by
 * its /64 network, since one host usually holds a whole /64 and could otherwise change address
 * at every attempt.
 *
 * <p>Counting a failure reads each key's state with a row lock ({@code SELECT ... FOR UPDATE} on
 * PostgreSQL; SQLite transactions hold the write lock from their start), so concurrent failures,
 * also on other nodes, are each counted.
 */
public final class SignInThrottle {
    /** Address text longer than this (never a real address) is replaced by its hash in keys. */
    static final int MAX_ADDRESS_KEY_CHARS = 64;

    private final MetadataStore store;
    private final Scope scope;
    private final ThrottleRules rules;
    private final Clock clock;

    public SignInThrottle(MetadataStore store, AccessPolicy policy, ThrottlePolicy throttlePolicy, Clock clock) {
        this.store = Objects.requireNonNull(store, "store");
        this.scope = policy.scopeFor(new Caller.System("signin-throttle"));
        this.rules = new ThrottleRules(throttlePolicy);
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Whether an attempt to sign in as {@code login} from {@code ip} may go ahead now. */
    public ThrottleDecision check(String login, String ip) {
        String accountKey = accountKey(login, ip);
        String ipKey = ipKey(ip);
        Instant now = now();
        return store.inTransaction(tx -> {
            SignInRepository signIns = tx.signIns();
            return rules.decide(signIns.throttle(scope, accountKey), signIns.throttle(scope, ipKey), now);
        });
    }

    /** Counts a failed attempt (wrong password, unknown login, wrong second factor) against both keys. */
    public void failure(String login, String ip) {
        String accountKey = accountKey(login, ip);
        String ipKey = ipKey(ip);
        Instant now = now();
        store.inTransaction(tx -> {
            SignInRepository signIns = tx.signIns();
            // Locked reads, in a fixed order: concurrent failures (also from other nodes) are all counted.
            signIns.saveThrottle(scope, rules.accountFailure(accountKey, signIns.throttleForUpdate(scope, accountKey, now), now));
            signIns.saveThrottle(scope, rules.ipFailure(ipKey, signIns.throttleForUpdate(scope, ipKey, now), now));
            return null;
        });
    }

    /**
     * Forgets the failures of this account from this address. The address's own count stays:
     * one correct password must not wipe out the guesses made at other accounts.
     */
    public void success(String login, String ip) {
        String accountKey = accountKey(login, ip);
        store.inTransaction(tx -> {
            tx.signIns().clearThrottle(scope, accountKey);
            return null;
        });
    }

    /** Deletes states that can no longer matter (for a periodic job); returns how many. */
    public int purgeExpired() {
        Instant before = now().minus(rules.memory());
        return store.inTransaction(tx -> tx.signIns().purgeThrottleBefore(scope, before));
    }

    /** The store keeps milliseconds; deciding on the same precision keeps "now" and stored times comparable. */
    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }

    static String ipKey(String ip) {
        return "ip:" + addressKey(ip);
    }

    static String accountKey(String login, String ip) {
        String normal = login == null ? "" : login.toLowerCase(Locale.ROOT);
        return "acct:" + HexFormat.of().formatHex(sha256(normal)) + "|ip:" + addressKey(ip);
    }

    /**
     * IPv4 in dotted form, IPv6 as its /64 network; anything else (the transport said "unknown"
     * or "local") as given, or hashed when long.
     */
    static String addressKey(String ip) {
        if (ip == null || ip.isBlank()) {
            return "unknown";
        }
        String text = ip.strip();
        if (text.length() <= MAX_ADDRESS_KEY_CHARS) {
            try {
                InetAddress address = InetAddress.ofLiteral(text);
                if (address instanceof Inet6Address) {
                    byte[] network = Arrays.copyOf(address.getAddress(), 16);
                    Arrays.fill(network, 8, 16, (byte) 0);
                    return InetAddress.getByAddress(network).getHostAddress() + "/64";
                }
                return address.getHostAddress();
            } catch (IllegalArgumentException | UnknownHostException e) {
                // Not an address literal: fall through and use the text.
            }
        }
        String lower = text.toLowerCase(Locale.ROOT);
        boolean plain = lower.length() <= MAX_ADDRESS_KEY_CHARS
                && lower.chars().allMatch(c -> c > 0x20 && c < 0x7f && c != '|');
        return plain ? lower : "h:" + HexFormat.of().formatHex(sha256(text));
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    /** The throttle's state for a key, for tests and the operator's diagnostics. */
    Optional<ThrottleState> state(String key) {
        return store.inTransaction(tx -> tx.signIns().throttle(scope, key));
    }
}
