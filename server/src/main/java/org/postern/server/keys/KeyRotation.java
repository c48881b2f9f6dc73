package org.postern.server.keys;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.postern.crypto.MasterKeyRing;
import org.postern.crypto.OwnerOnlyFiles;
import org.postern.mail.keys.DataKeys;
import org.postern.mta.dkim.DkimKeys;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rotates the master key without re-encrypting any mail: a new active key is saved next to the
 * old one first, then every data key, DKIM private key and sealed file is rewrapped under it, and
 * only then are old keys that nothing refers to any more removed. A crash at any step leaves a ring that still
 * opens everything; running rotate again finishes the job. It holds the {@link KeysLock}, so a
 * signing-key rotation or a backup never interleaves with it.
 */
public final class KeyRotation {
    private static final Logger LOG = LoggerFactory.getLogger(KeyRotation.class);

    /** What a rotation did. */
    public record Result(String activeKeyId, int dataKeysRewrapped, int filesResealed, int dkimKeysResealed,
            Set<String> removedKeyIds) {}

    private final MasterKeys masterKeys;
    private final DataKeys dataKeys;
    private final DkimKeys dkimKeys;
    private final List<SealedFile> sealedFiles;

    public KeyRotation(MasterKeys masterKeys, DataKeys dataKeys, DkimKeys dkimKeys, List<SealedFile> sealedFiles) {
        this.masterKeys = masterKeys;
        this.dataKeys = dataKeys;
        this.dkimKeys = dkimKeys;
        this.sealedFiles = List.copyOf(sealedFiles);
    }

    public Result rotate() {
        try (KeysLock lock = KeysLock.acquire(masterKeys.file().getParent())) {
            return rotateLocked();
        }
    }

    private Result rotateLocked() {
        MasterKeyRing next = masterKeys.get().withNewActiveKey();
        masterKeys.replace(next);
        int rewrapped = dataKeys.rewrapAll(next);
        int dkimResealed = dkimKeys.resealAll(next);
        int resealed = 0;
        Set<String> inUse = new HashSet<>(dataKeys.masterKeyIdsInUse());
        inUse.addAll(dkimKeys.masterKeyIdsInUse());
        for (SealedFile f : sealedFiles) {
            try {
                if (!Files.exists(f.path())) {
                    continue;
                }
                byte[] sealed = Files.readAllBytes(f.path());
                if (!MasterKeyRing.sealedKeyId(sealed).equals(next.activeKeyId())) {
                    byte[] plain = next.unseal(f.purpose(), sealed);
                    OwnerOnlyFiles.write(f.path(), next.seal(f.purpose(), plain));
                    java.util.Arrays.fill(plain, (byte) 0);
                    resealed++;
                }
                inUse.add(MasterKeyRing.sealedKeyId(Files.readAllBytes(f.path())));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot reseal " + f.path(), e);
            }
        }
        // Re-read the ring and the references: another process may have wrapped a key meanwhile.
        inUse.addAll(dataKeys.masterKeyIdsInUse());
        inUse.addAll(dkimKeys.masterKeyIdsInUse());
        MasterKeyRing pruned = masterKeys.get();
        Set<String> removed = new HashSet<>();
        for (String id : pruned.keyIds()) {
            if (!id.equals(pruned.activeKeyId()) && !inUse.contains(id)) {
                pruned = pruned.withoutKey(id);
                removed.add(id);
            }
        }
        if (!removed.isEmpty()) {
            masterKeys.replace(pruned);
        }
        LOG.info("event=keys.rotated active={} rewrapped={} resealed={} dkim_resealed={} removed={}",
                pruned.activeKeyId(), rewrapped, resealed, dkimResealed, removed.size());
        return new Result(pruned.activeKeyId(), rewrapped, resealed, dkimResealed, Set.copyOf(removed));
    }
}
