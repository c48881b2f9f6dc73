package org.postern.crypto;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.postern.model.IntegrityException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The master keys (key-encryption keys): one active, which wraps new data keys and seals files,
 * and any retired ones still needed to unwrap what has not been rewrapped yet. Immutable; rotation
 * returns a new ring, which the caller saves before rewrapping anything.
 *
 * <p>File format (UTF-8 text, mode 0600, '\n' line ends, a final '\n' optional, nothing else):
 * <pre>
 * postern-master-keyring v1
 * mk-0123456789abcdef retired &lt;base64 of 32 key bytes&gt;
 * mk-fedcba9876543210 active &lt;base64 of 32 key bytes&gt;
 * </pre>
 * Key ids are {@code mk-} and 16 lowercase hex digits; exactly one key is {@code active}. The file
 * is refused if group or others have any permission on it, if a line is malformed, an id repeats,
 * or a key is not 32 bytes of random-looking data. Error messages name the file and line, never a
 * line's content.
 *
 * <p>Wrapping: AES-256-GCM under the master key with associated data
 * {@code "postern-wrap-v1|" + keyId + "|" + associatedData}. Sealing: {@code "PMK1"}, one byte of
 * key-id length, the key id in ASCII, then AES-256-GCM output with associated data
 * {@code "postern-seal-v1|" + purpose}.
 */
public final class MasterKeyRing {
    private static final Logger LOG = LoggerFactory.getLogger(MasterKeyRing.class);

    static final String HEADER = "postern-master-keyring v1";
    static final Pattern KEY_ID = Pattern.compile("mk-[0-9a-f]{16}");
    private static final byte[] SEAL_MAGIC = "PMK1".getBytes(StandardCharsets.US_ASCII);
    private static final int MAX_FILE_BYTES = 1024 * 1024;
    private static final int BASE64_KEY_CHARS = 44;

    /** In file order; shared with derived rings, never closed, never exposed. */
    private final Map<String, DataKey> keys;
    private final String activeKeyId;

    private MasterKeyRing(Map<String, DataKey> keys, String activeKeyId) {
        this.keys = Collections.unmodifiableMap(new LinkedHashMap<>(keys));
        this.activeKeyId = activeKeyId;
        if (!this.keys.containsKey(activeKeyId)) {
            throw new IllegalStateException("active key missing from the ring");
        }
    }

    /**
     * Loads the ring from {@code file}, or creates one with a fresh active key (mode 0600, parent
     * directory 0700) when the file does not exist.
     * @throws KeyFileException if the file is readable or writable by group or others, malformed,
     *     or holds a key that is too short or weak; the message names the file
     */
    public static MasterKeyRing loadOrCreate(Path file) {
        Path target = Objects.requireNonNull(file, "file").toAbsolutePath();
        OwnerOnlyFiles.createPrivateDirectory(target.getParent());
        if (Files.exists(target)) {
            return load(target);
        }
        MasterKeyRing ring = fresh();
        byte[] content = ring.serialize();
        try {
            if (OwnerOnlyFiles.createNew(target, content)) {
                LOG.info("created master key ring {} with active key {}", target, ring.activeKeyId);
                return ring;
            }
        } finally {
            Arrays.fill(content, (byte) 0);
        }
        // another process created it between our check and our link: use theirs
        return load(target);
    }

    /** Loads an existing ring; like {@link #loadOrCreate} but never creates. */
    public static MasterKeyRing load(Path file) {
        Objects.requireNonNull(file, "file");
        OwnerOnlyFiles.requireOwnerOnly(file);
        byte[] content;
        try {
            if (Files.size(file) > MAX_FILE_BYTES) {
                throw new KeyFileException(file + " is larger than " + MAX_FILE_BYTES + " bytes; it is not a key ring");
            }
            content = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new KeyFileException("cannot read " + file + ": " + e, e);
        }
        try {
            return parse(file, content);
        } finally {
            Arrays.fill(content, (byte) 0);
        }
    }

    private static MasterKeyRing fresh() {
        String id = newKeyId(Set.of());
        return new MasterKeyRing(Map.of(id, newMasterKey()), id);
    }

    public String activeKeyId() {
        return activeKeyId;
    }

    public Set<String> keyIds() {
        return Collections.unmodifiableSet(new LinkedHashSet<>(keys.keySet()));
    }

    /** Wraps {@code key} under the active master key, bound to {@code associatedData}. */
    public WrappedKey wrap(DataKey key, byte[] associatedData) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(associatedData, "associatedData");
        byte[] raw = key.copyBytes();
        try {
            byte[] ciphertext = AesGcm.seal(keys.get(activeKeyId), raw, wrapAd(activeKeyId, associatedData));
            return new WrappedKey(activeKeyId, ciphertext);
        } finally {
            Arrays.fill(raw, (byte) 0);
        }
    }

    /** @throws org.postern.model.IntegrityException if the master key is unknown or the wrapping does not authenticate */
    public DataKey unwrap(WrappedKey wrapped, byte[] associatedData) {
        Objects.requireNonNull(wrapped, "wrapped");
        Objects.requireNonNull(associatedData, "associatedData");
        String keyId = wrapped.masterKeyId();
        DataKey master = keyId == null ? null : keys.get(keyId);
        if (master == null) {
            throw new IntegrityException("wrapped key names master key " + describeId(keyId) + ", which is not in the key ring");
        }
        if (wrapped.ciphertext() == null) {
            throw new IntegrityException("wrapped key has no ciphertext");
        }
        byte[] raw;
        try {
            raw = AesGcm.open(master, wrapped.ciphertext(), wrapAd(keyId, associatedData));
        } catch (IntegrityException e) {
            throw new IntegrityException("wrapped key failed to authenticate under master key " + keyId
                    + ": tampered, or bound to another owner");
        }
        try {
            if (raw.length != DataKey.BYTES) {
                throw new IntegrityException("wrapped key holds " + raw.length + " bytes, expected " + DataKey.BYTES);
            }
            return DataKey.fromBytes(raw);
        } finally {
            Arrays.fill(raw, (byte) 0);
        }
    }

    /** Seals a small secret (a private key file) under the active key; the output names the key it used. */
    public byte[] seal(String purpose, byte[] plaintext) {
        Objects.requireNonNull(purpose, "purpose");
        Objects.requireNonNull(plaintext, "plaintext");
        byte[] id = activeKeyId.getBytes(StandardCharsets.US_ASCII);
        byte[] body = AesGcm.seal(keys.get(activeKeyId), plaintext, sealAd(purpose));
        byte[] out = new byte[SEAL_MAGIC.length + 1 + id.length + body.length];
        System.arraycopy(SEAL_MAGIC, 0, out, 0, SEAL_MAGIC.length);
        out[SEAL_MAGIC.length] = (byte) id.length;
        System.arraycopy(id, 0, out, SEAL_MAGIC.length + 1, id.length);
        System.arraycopy(body, 0, out, SEAL_MAGIC.length + 1 + id.length, body.length);
        return out;
    }

    /** @throws org.postern.model.IntegrityException if it was sealed for another purpose, tampered with, or its key is gone */
    public byte[] unseal(String purpose, byte[] sealed) {
        Objects.requireNonNull(purpose, "purpose");
        String keyId = sealedKeyId(sealed);
        DataKey master = keys.get(keyId);
        if (master == null) {
            throw new IntegrityException("sealed value names master key " + keyId + ", which is not in the key ring");
        }
        int bodyStart = SEAL_MAGIC.length + 1 + keyId.length();
        byte[] body = Arrays.copyOfRange(sealed, bodyStart, sealed.length);
        try {
            return AesGcm.open(master, body, sealAd(purpose));
        } catch (IntegrityException e) {
            throw new IntegrityException("sealed value failed to authenticate for purpose '" + purpose
                    + "': tampered, sealed for another purpose, or the key id was altered");
        }
    }

    /** The master key id a sealed value names, so rotation can tell what still needs resealing. */
    public static String sealedKeyId(byte[] sealed) {
        Objects.requireNonNull(sealed, "sealed");
        int magic = SEAL_MAGIC.length;
        if (sealed.length < magic + 1 || !Arrays.equals(sealed, 0, magic, SEAL_MAGIC, 0, magic)) {
            throw new IntegrityException("sealed value is not in the PMK1 format");
        }
        int idLength = sealed[magic] & 0xff;
        if (idLength == 0 || sealed.length < magic + 1 + idLength) {
            throw new IntegrityException("sealed value is truncated in its key id");
        }
        String id = new String(sealed, magic + 1, idLength, StandardCharsets.ISO_8859_1);
        if (!KEY_ID.matcher(id).matches()) {
            throw new IntegrityException("sealed value names a malformed master key id");
        }
        return id;
    }

    /** A new ring with a fresh active key; the current active key is kept as retired. */
    public MasterKeyRing withNewActiveKey() {
        Map<String, DataKey> next = new LinkedHashMap<>(keys);
        String id = newKeyId(keys.keySet());
        next.put(id, newMasterKey());
        return new MasterKeyRing(next, id);
    }

    /** A new ring without the retired key {@code keyId}. @throws IllegalArgumentException for the active key */
    public MasterKeyRing withoutKey(String keyId) {
        Objects.requireNonNull(keyId, "keyId");
        if (keyId.equals(activeKeyId)) {
            throw new IllegalArgumentException("cannot remove the active master key " + keyId + "; rotate first");
        }
        if (!keys.containsKey(keyId)) {
            throw new IllegalArgumentException("master key " + describeId(keyId) + " is not in the key ring");
        }
        Map<String, DataKey> next = new LinkedHashMap<>(keys);
        next.remove(keyId);
        return new MasterKeyRing(next, activeKeyId);
    }

    /** Writes the ring atomically (temp file, fsync, rename, fsync directory) with mode 0600. */
    public void save(Path file) {
        Objects.requireNonNull(file, "file");
        byte[] content = serialize();
        try {
            OwnerOnlyFiles.write(file, content);
        } finally {
            Arrays.fill(content, (byte) 0);
        }
    }

    @Override
    public String toString() {
        return "MasterKeyRing[active=" + activeKeyId + ", keys=" + keys.keySet() + "]";
    }

    // ---- file format ----

    /** The file's bytes; the caller wipes them. */
    byte[] serialize() {
        byte[] header = (HEADER + "\n").getBytes(StandardCharsets.US_ASCII);
        List<byte[]> lines = new ArrayList<>();
        int total = header.length;
        try {
            for (Map.Entry<String, DataKey> entry : keys.entrySet()) {
                String prefix = entry.getKey() + (entry.getKey().equals(activeKeyId) ? " active " : " retired ");
                byte[] raw = entry.getValue().copyBytes();
                byte[] encoded;
                try {
                    encoded = Base64.getEncoder().encode(raw);
                } finally {
                    Arrays.fill(raw, (byte) 0);
                }
                byte[] prefixBytes = prefix.getBytes(StandardCharsets.US_ASCII);
                byte[] line = new byte[prefixBytes.length + encoded.length + 1];
                System.arraycopy(prefixBytes, 0, line, 0, prefixBytes.length);
                System.arraycopy(encoded, 0, line, prefixBytes.length, encoded.length);
                line[line.length - 1] = '\n';
                Arrays.fill(encoded, (byte) 0);
                lines.add(line);
                total += line.length;
            }
            byte[] out = new byte[total];
            System.arraycopy(header, 0, out, 0, header.length);
            int at = header.length;
            for (byte[] line : lines) {
                System.arraycopy(line, 0, out, at, line.length);
                at += line.length;
            }
            return out;
        } finally {
            for (byte[] line : lines) {
                Arrays.fill(line, (byte) 0);
            }
        }
    }

    /**
     * Parses the content of a ring file that is not (yet) on disk, such as one inside a key backup;
     * {@code origin} names it in error messages. The caller wipes {@code content}.
     * @throws KeyFileException as {@link #load} does for a malformed or weak ring
     */
    public static MasterKeyRing fromBytes(Path origin, byte[] content) {
        Objects.requireNonNull(origin, "origin");
        Objects.requireNonNull(content, "content");
        if (content.length > MAX_FILE_BYTES) {
            throw new KeyFileException(origin + " is larger than " + MAX_FILE_BYTES + " bytes; it is not a key ring");
        }
        return parse(origin, content);
    }

    /** Parses without turning key text into Strings, so every copy of the key material can be wiped. */
    static MasterKeyRing parse(Path file, byte[] content) {
        int end = content.length;
        if (end > 0 && content[end - 1] == '\n') {
            end--;
        }
        List<int[]> lines = new ArrayList<>();
        int start = 0;
        for (int i = 0; i <= end; i++) {
            if (i == end || content[i] == '\n') {
                lines.add(new int[] {start, i});
                start = i + 1;
            }
        }
        byte[] header = HEADER.getBytes(StandardCharsets.US_ASCII);
        int[] first = lines.getFirst();
        if (!Arrays.equals(content, first[0], first[1], header, 0, header.length)) {
            throw new KeyFileException(file + " line 1: expected '" + HEADER + "'; this is not a Postern master key ring");
        }
        Map<String, DataKey> keys = new LinkedHashMap<>();
        String active = null;
        try {
            for (int n = 1; n < lines.size(); n++) {
                int lineNo = n + 1;
                int from = lines.get(n)[0];
                int to = lines.get(n)[1];
                int space1 = indexOf(content, from, to, (byte) ' ');
                int space2 = space1 < 0 ? -1 : indexOf(content, space1 + 1, to, (byte) ' ');
                if (space2 < 0 || indexOf(content, space2 + 1, to, (byte) ' ') >= 0) {
                    throw malformed(file, lineNo);
                }
                String id = ascii(content, from, space1);
                String state = ascii(content, space1 + 1, space2);
                if (id == null || !KEY_ID.matcher(id).matches()) {
                    throw new KeyFileException(file + " line " + lineNo + ": key id must be 'mk-' and 16 lowercase hex digits");
                }
                if (!"active".equals(state) && !"retired".equals(state)) {
                    throw new KeyFileException(file + " line " + lineNo + ": key state must be 'active' or 'retired'");
                }
                if (keys.containsKey(id)) {
                    throw new KeyFileException(file + " line " + lineNo + ": duplicate key id " + id);
                }
                byte[] raw = decodeKey(file, lineNo, content, space2 + 1, to);
                try {
                    Optional<String> problem = SecretStrength.problemWithKey(raw, DataKey.BYTES);
                    if (problem.isPresent()) {
                        throw new KeyFileException(file + " line " + lineNo + ": key " + id + " " + problem.get());
                    }
                    keys.put(id, DataKey.fromBytes(raw));
                } finally {
                    Arrays.fill(raw, (byte) 0);
                }
                if ("active".equals(state)) {
                    if (active != null) {
                        throw new KeyFileException(file + ": more than one active key (" + active + " and " + id + ")");
                    }
                    active = id;
                }
            }
            if (keys.isEmpty()) {
                throw new KeyFileException(file + " holds no keys");
            }
            if (active == null) {
                throw new KeyFileException(file + " has no active key; exactly one key must be 'active'");
            }
            return new MasterKeyRing(keys, active);
        } catch (RuntimeException e) {
            keys.values().forEach(DataKey::close);
            throw e;
        }
    }

    private static byte[] decodeKey(Path file, int lineNo, byte[] content, int from, int to) {
        if (to - from != BASE64_KEY_CHARS) {
            throw new KeyFileException(file + " line " + lineNo + ": key must be " + DataKey.BYTES
                    + " bytes in base64 (" + BASE64_KEY_CHARS + " characters)");
        }
        byte[] text = Arrays.copyOfRange(content, from, to);
        try {
            return Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw new KeyFileException(file + " line " + lineNo + ": key is not valid base64");
        } finally {
            Arrays.fill(text, (byte) 0);
        }
    }

    private static KeyFileException malformed(Path file, int lineNo) {
        return new KeyFileException(file + " line " + lineNo
                + ": malformed; expected '<keyId> <active|retired> <base64 key>' separated by single spaces");
    }

    private static int indexOf(byte[] b, int from, int to, byte value) {
        for (int i = from; i < to; i++) {
            if (b[i] == value) {
                return i;
            }
        }
        return -1;
    }

    /** Printable ASCII text of {@code b[from, to)}, or null when it holds anything else. */
    private static String ascii(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] < 0x21 || b[i] > 0x7e) {
                return null;
            }
        }
        return new String(b, from, to - from, StandardCharsets.US_ASCII);
    }

    // ---- helpers ----

    private static DataKey newMasterKey() {
        while (true) {
            byte[] raw = Secrets.randomBytes(DataKey.BYTES);
            try {
                if (SecretStrength.problemWithKey(raw, DataKey.BYTES).isEmpty()) {
                    return DataKey.fromBytes(raw);
                }
            } finally {
                Arrays.fill(raw, (byte) 0);
            }
        }
    }

    private static String newKeyId(Set<String> taken) {
        while (true) {
            String id = "mk-" + HexFormat.of().formatHex(Secrets.randomBytes(8));
            if (!taken.contains(id)) {
                return id;
            }
        }
    }

    private static byte[] wrapAd(String keyId, byte[] associatedData) {
        return concat(("postern-wrap-v1|" + keyId + "|").getBytes(StandardCharsets.UTF_8), associatedData);
    }

    private static byte[] sealAd(String purpose) {
        return ("postern-seal-v1|" + purpose).getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** A key id from untrusted input, printed only when it has the expected shape. */
    private static String describeId(String keyId) {
        return keyId != null && KEY_ID.matcher(keyId).matches() ? keyId : "(malformed id)";
    }
}
