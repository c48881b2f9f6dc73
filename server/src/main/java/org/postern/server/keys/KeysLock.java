package org.postern.server.keys;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import org.postern.crypto.KeyFileException;
import org.postern.crypto.OwnerOnlyFiles;

/**
 * One change to the key files at a time: master key rotation, signing-key rotation, backup and
 * restore each hold this while they read and replace files in the keys directory, so that, say, a
 * rotation resealing the signing key cannot write back the key a signing-key rotation has just
 * replaced, and a backup never mixes a ring with files sealed under a newer one. Across processes
 * it is an exclusive lock on {@code keys/keys.lock}; within a process a lock in memory, since the
 * JVM allows one file lock per file. A thread that already holds it may take it again.
 */
final class KeysLock implements AutoCloseable {
    static final String FILE_NAME = "keys.lock";
    private static final ReentrantLock IN_PROCESS = new ReentrantLock();

    private final FileChannel channel;
    private final FileLock fileLock;

    private KeysLock(FileChannel channel, FileLock fileLock) {
        this.channel = channel;
        this.fileLock = fileLock;
    }

    /** Waits for the lock on {@code keysDir} (created 0700 when missing). */
    static KeysLock acquire(Path keysDir) {
        IN_PROCESS.lock();
        if (IN_PROCESS.getHoldCount() > 1) {
            return new KeysLock(null, null);
        }
        try {
            OwnerOnlyFiles.createPrivateDirectory(keysDir);
            FileChannel channel = FileChannel.open(keysDir.resolve(FILE_NAME),
                    Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE),
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            try {
                return new KeysLock(channel, channel.lock());
            } catch (IOException | RuntimeException e) {
                channel.close();
                throw e;
            }
        } catch (IOException e) {
            IN_PROCESS.unlock();
            throw new KeyFileException("cannot lock " + keysDir.resolve(FILE_NAME) + ": " + e, e);
        } catch (RuntimeException e) {
            IN_PROCESS.unlock();
            throw e;
        }
    }

    @Override
    public void close() {
        try {
            if (channel != null) {
                channel.close(); // releases fileLock
            }
        } catch (IOException ignored) {
            // the lock goes with the channel whatever close reports
        } finally {
            IN_PROCESS.unlock();
        }
    }
}
