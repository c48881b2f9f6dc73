package org.postern.mta.dkim;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.Signature;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.postern.mta.checks.BodyHasher;
import org.postern.mta.checks.DkimVerifier;
import org.postern.mta.checks.HeaderBlock;

/**
 * Signs a message with DKIM (RFC 6376), relaxed/relaxed, one DKIM-Signature field per key
 * (rsa-sha256, and ed25519-sha256 as RFC 8463), all sharing one pass over the body. The
 * canonicalisation is the verifier's own ({@link BodyHasher}, {@link DkimVerifier#relaxedHeader}),
 * so what we sign is exactly what we would accept.
 *
 * <p>The header block is read up to a bound; the body is streamed through the hash in constant
 * memory, so a message of any accepted size costs one read. Signed fields: every instance of
 * {@link #SIGNED_FIELDS} present, and From: once more than present (oversigned), so that no From:
 * can be added without breaking the signature. No l= (the whole body is signed) and no x=.
 */
public final class DkimSigner {
    /** Fields signed when present (RFC 6376 §5.4.1's recommendations, minus what submission removes). */
    public static final List<String> SIGNED_FIELDS = List.of("from", "to", "cc", "subject", "date", "message-id",
            "mime-version", "content-type", "content-transfer-encoding", "reply-to", "in-reply-to", "references");
    private static final int FOLD_CHARS = 72;

    private final int maxHeaderBytes;

    /** @param maxHeaderBytes the largest header block signed; a larger one is refused with an IOException */
    public DkimSigner(int maxHeaderBytes) {
        if (maxHeaderBytes < 1024) {
            throw new IllegalArgumentException("maxHeaderBytes must be at least 1 KiB");
        }
        this.maxHeaderBytes = maxHeaderBytes;
    }

    /**
     * Reads {@code message} to its end and returns one DKIM-Signature field per key (each ending
     * in CRLF), in the order of {@code keys}, to be prepended to the message unchanged.
     *
     * @throws IOException if the message cannot be read or its header block is over the bound
     */
    public List<String> sign(InputStream message, List<SigningKey> keys, Instant now) throws IOException {
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(keys, "keys");
        Objects.requireNonNull(now, "now");
        if (keys.isEmpty()) {
            return List.of();
        }
        InputStream in = new BufferedInputStream(message, 16 * 1024);
        HeaderBlock headers = HeaderBlock.read(in, maxHeaderBytes);
        BodyHasher hasher = new BodyHasher(true, Long.MAX_VALUE);
        byte[] buf = new byte[16 * 1024];
        int n;
        while ((n = in.read(buf)) > 0) {
            hasher.update(buf, 0, n);
        }
        String bodyHash = Base64.getEncoder().encodeToString(hasher.finish());
        List<String> names = signedNames(headers);
        byte[] fieldsData = canonicalFields(headers, names);
        List<String> out = new ArrayList<>(keys.size());
        for (SigningKey key : keys) {
            out.add(signatureField(key, names, bodyHash, fieldsData, now));
        }
        return List.copyOf(out);
    }

    /** h=: each signed field as often as it occurs, From once more (at least once even if absent). */
    static List<String> signedNames(HeaderBlock headers) {
        Map<String, Integer> counts = new HashMap<>();
        for (HeaderBlock.Field f : headers.fields()) {
            if (!f.name().isEmpty()) {
                counts.merge(f.lowerName(), 1, Integer::sum);
            }
        }
        List<String> names = new ArrayList<>();
        for (String name : SIGNED_FIELDS) {
            int times = counts.getOrDefault(name, 0) + (name.equals("from") ? 1 : 0);
            for (int i = 0; i < times; i++) {
                names.add(name);
            }
        }
        return names;
    }

    /** The relaxed canonical form of the named fields, bottom-up per name (RFC 6376 §5.4.2). */
    private static byte[] canonicalFields(HeaderBlock headers, List<String> names) {
        Map<String, List<HeaderBlock.Field>> byName = new HashMap<>();
        for (HeaderBlock.Field f : headers.fields()) {
            if (!f.name().isEmpty()) {
                byName.computeIfAbsent(f.lowerName(), k -> new ArrayList<>()).add(f);
            }
        }
        Map<String, Integer> used = new HashMap<>();
        ByteArrayOutputStream out = new ByteArrayOutputStream(2048);
        for (String name : names) {
            List<HeaderBlock.Field> instances = byName.getOrDefault(name, List.of());
            int taken = used.getOrDefault(name, 0);
            if (taken < instances.size()) {
                HeaderBlock.Field f = instances.get(instances.size() - 1 - taken);
                used.put(name, taken + 1);
                out.writeBytes((DkimVerifier.relaxedHeader(f.raw()) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            }
        }
        return out.toByteArray();
    }

    private static String signatureField(SigningKey key, List<String> names, String bodyHash, byte[] fieldsData,
            Instant now) throws IOException {
        String unsigned = "DKIM-Signature: v=1; a=" + key.algorithm().tag() + "; c=relaxed/relaxed; d="
                + key.domain().ascii() + "; s=" + key.selector() + ";\r\n\tt=" + now.getEpochSecond()
                + "; h=" + String.join(":", names) + ";\r\n\tbh=" + bodyHash + ";\r\n\tb=";
        ByteArrayOutputStream data = new ByteArrayOutputStream(fieldsData.length + 512);
        data.writeBytes(fieldsData);
        data.writeBytes(DkimVerifier.relaxedHeader(unsigned).getBytes(StandardCharsets.ISO_8859_1));
        byte[] signature;
        try {
            signature = switch (key.algorithm()) {
                case RSA_SHA256 -> {
                    Signature s = Signature.getInstance("SHA256withRSA");
                    s.initSign(key.key());
                    s.update(data.toByteArray());
                    yield s.sign();
                }
                case ED25519 -> {
                    // RFC 8463 §3: Ed25519 signs the SHA-256 hash of the canonical header data.
                    Signature s = Signature.getInstance("Ed25519");
                    s.initSign(key.key());
                    s.update(MessageDigest.getInstance("SHA-256").digest(data.toByteArray()));
                    yield s.sign();
                }
            };
        } catch (GeneralSecurityException e) {
            throw new IOException("DKIM signing failed for selector " + key.selector(), e);
        }
        return unsigned + fold(Base64.getEncoder().encodeToString(signature)) + "\r\n";
    }

    /** Folds a base64 value into lines of at most {@value #FOLD_CHARS} characters (whitespace in b= is ignored). */
    private static String fold(String value) {
        StringBuilder sb = new StringBuilder(value.length() + value.length() / FOLD_CHARS * 3);
        for (int i = 0; i < value.length(); i += FOLD_CHARS) {
            if (i > 0) {
                sb.append("\r\n\t ");
            }
            sb.append(value, i, Math.min(value.length(), i + FOLD_CHARS));
        }
        return sb.toString();
    }
}
