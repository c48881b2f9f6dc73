package org.postern.auth.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.postern.store.identity.AuditEntry;

/**
 * The hash chain that makes the audit log tamper-evident. Each entry's {@code hash} is an
 * HMAC-SHA-256, under a key the database never holds, over an unambiguous encoding (fixed-width
 * numbers, length-prefixed strings, presence flags) of its sequence number, time, tenant,
 * subject, actor, action, outcome, address, User-Agent, details and the previous entry's hash.
 * Someone who can write to the database but lacks the key cannot edit, delete, insert or reorder
 * entries without breaking a link; because the hash is keyed, they cannot recompute the chain
 * after an edit either. Removing entries from the end is the one change the chain alone cannot
 * show; the number of entries checked is reported so it can be compared with what was expected.
 */
public final class AuditChain {
    public static final int KEY_BYTES = 32;
    public static final int HASH_BYTES = 32;
    private static final String HMAC = "HmacSHA256";
    /** Domain separation and format version, hashed first. */
    private static final byte[] FORMAT = "postern-audit-v1".getBytes(StandardCharsets.US_ASCII);
    private static final ObjectMapper JSON = new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

    private final SecretKeySpec key;

    /** @param key 32 bytes, kept secret from the database (the caller may wipe its copy afterwards) */
    public AuditChain(byte[] key) {
        if (key == null || key.length != KEY_BYTES) {
            throw new IllegalArgumentException("the audit chain key must be " + KEY_BYTES + " bytes");
        }
        this.key = new SecretKeySpec(key, HMAC);
    }

    /** The entry that follows {@code last} (or starts the log) recording {@code event} at {@code at} (kept to the millisecond). */
    public AuditEntry next(Optional<AuditEntry> last, AuditEvent event, Instant at) {
        Objects.requireNonNull(event, "event");
        long seq = last.map(e -> Math.addExact(e.seq(), 1)).orElse(1L);
        byte[] prevHash = last.map(e -> e.hash().clone()).orElseGet(() -> new byte[HASH_BYTES]);
        Instant time = at.truncatedTo(ChronoUnit.MILLIS);
        String details = canonicalJson(event.details());
        byte[] hash = hash(seq, time, event.tenant().map(Object::toString), event.subject().map(Object::toString),
                event.actor(), event.action(), event.outcome(), event.ip(), event.userAgent(), details, prevHash);
        return new AuditEntry(seq, time, event.tenant(), event.subject(), event.actor(), event.action(), event.outcome(),
                event.ip(), event.userAgent(), details, prevHash, hash);
    }

    /** True when {@code entry} follows {@code previous} (or is the first entry, if none) and its content matches its hash. */
    public boolean linkValid(Optional<AuditEntry> previous, AuditEntry entry) {
        return problem(previous, entry).isEmpty();
    }

    /** What is wrong with the link from {@code previous} to {@code entry}, or empty when nothing is. */
    public Optional<String> problem(Optional<AuditEntry> previous, AuditEntry entry) {
        if (entry == null || entry.at() == null || entry.tenantId() == null || entry.subject() == null
                || entry.actor() == null || entry.action() == null || entry.outcome() == null || entry.ip() == null
                || entry.userAgent() == null || entry.details() == null || entry.prevHash() == null
                || entry.hash() == null) {
            return Optional.of("entry has missing fields");
        }
        if (previous.isEmpty()) {
            if (entry.seq() != 1) {
                return Optional.of("the log starts at seq " + entry.seq() + " instead of 1: earlier entries are missing");
            }
            if (!MessageDigest.isEqual(entry.prevHash(), new byte[HASH_BYTES])) {
                return Optional.of("the first entry does not start the chain");
            }
        } else {
            AuditEntry before = previous.get();
            if (entry.seq() != before.seq() + 1) {
                return Optional.of("seq " + entry.seq() + " follows seq " + before.seq() + ": entries are missing or out of order");
            }
            if (before.hash() == null || !MessageDigest.isEqual(entry.prevHash(), before.hash())) {
                return Optional.of("seq " + entry.seq() + " does not link to the entry before it");
            }
        }
        byte[] expected = hash(entry.seq(), entry.at(), entry.tenantId().map(Object::toString),
                entry.subject().map(Object::toString), entry.actor(), entry.action(), entry.outcome(), entry.ip(),
                entry.userAgent(), entry.details(), entry.prevHash());
        if (!MessageDigest.isEqual(expected, entry.hash())) {
            return Optional.of("seq " + entry.seq() + " does not match its hash: the entry was changed");
        }
        return Optional.empty();
    }

    /** The details as JSON with keys sorted, as stored and hashed. */
    static String canonicalJson(Map<String, String> details) {
        try {
            return JSON.writeValueAsString(new TreeMap<>(details));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write audit details as JSON", e);
        }
    }

    private byte[] hash(long seq, Instant at, Optional<String> tenant, Optional<String> subject, String actor,
            String action, String outcome, String ip, String userAgent, String details, byte[] prevHash) {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream(256 + details.length() + userAgent.length());
        try (DataOutputStream out = new DataOutputStream(buffer)) {
            bytes(out, FORMAT);
            out.writeLong(seq);
            out.writeLong(at.toEpochMilli());
            optional(out, tenant);
            optional(out, subject);
            text(out, actor);
            text(out, action);
            text(out, outcome);
            text(out, ip);
            text(out, userAgent);
            text(out, details);
            bytes(out, prevHash);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            Mac mac = Mac.getInstance(HMAC);
            mac.init(key);
            return mac.doFinal(buffer.toByteArray());
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HMAC-SHA256 is unavailable", e);
        }
    }

    private static void optional(DataOutputStream out, Optional<String> value) throws IOException {
        out.writeBoolean(value.isPresent());
        if (value.isPresent()) {
            text(out, value.get());
        }
    }

    private static void text(DataOutputStream out, String value) throws IOException {
        bytes(out, value.getBytes(StandardCharsets.UTF_8));
    }

    private static void bytes(DataOutputStream out, byte[] value) throws IOException {
        out.writeInt(value.length);
        out.write(value);
    }
}
