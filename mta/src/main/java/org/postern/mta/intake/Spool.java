package org.postern.mta.intake;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import org.postern.crypto.DataKey;
import org.postern.crypto.StreamingAead;

/**
 * Holds one incoming message between DATA and delivery, re-readable (the DKIM check reads it,
 * then each owner's copy is written from it). Small messages stay in memory; larger ones go to a
 * temp file encrypted under a key that exists only in this object, so the spool never holds
 * plaintext on disk and a crash leaves only unreadable bytes (nothing in it was acknowledged).
 */
public final class Spool implements AutoCloseable {
    private static final byte[] AD = "postern-spool".getBytes(StandardCharsets.US_ASCII);

    private final Path dir;
    private final int memoryBytes;
    private byte[] memory;
    private int memoryUsed;
    private Path file;
    private DataKey key;
    private OutputStream fileOut;
    private long size;
    private boolean finished;

    /**
     * @param dir where larger messages spill over (created 0700 by the caller)
     * @param memoryBytes how much of a message to keep in memory before spilling to an encrypted file
     */
    public Spool(Path dir, int memoryBytes) {
        this.dir = dir;
        this.memoryBytes = memoryBytes;
        this.memory = new byte[Math.min(memoryBytes, 16 * 1024)];
    }

    /** Where the message is written; closing it finishes the spool. */
    public OutputStream output() {
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                append(b, off, len);
            }

            @Override
            public void close() throws IOException {
                finish();
            }
        };
    }

    private void append(byte[] b, int off, int len) throws IOException {
        if (finished) {
            throw new IOException("spool is finished");
        }
        size += len;
        if (fileOut == null && memoryUsed + len <= memoryBytes) {
            if (memoryUsed + len > memory.length) {
                memory = Arrays.copyOf(memory, Math.min(memoryBytes, Math.max(memory.length * 2, memoryUsed + len)));
            }
            System.arraycopy(b, off, memory, memoryUsed, len);
            memoryUsed += len;
            return;
        }
        if (fileOut == null) {
            spill();
        }
        fileOut.write(b, off, len);
    }

    private void spill() throws IOException {
        file = Files.createTempFile(dir, "spool-", ".tmp", PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rw-------")));
        key = DataKey.generate();
        fileOut = StreamingAead.encrypt(key, AD, Files.newOutputStream(file, StandardOpenOption.WRITE));
        fileOut.write(memory, 0, memoryUsed);
        Arrays.fill(memory, 0, memoryUsed, (byte) 0);
        memory = null;
        memoryUsed = 0;
    }

    private void finish() throws IOException {
        if (!finished && fileOut != null) {
            fileOut.close();
        }
        finished = true;
    }

    public long size() {
        return size;
    }

    /** A fresh stream over the whole message; may be called any number of times after the output is closed. */
    public InputStream open() throws IOException {
        if (!finished) {
            throw new IllegalStateException("spool is still being written");
        }
        if (file == null) {
            return new ByteArrayInputStream(memory, 0, memoryUsed);
        }
        return StreamingAead.decrypt(key, AD, Files.newInputStream(file));
    }

    @Override
    public void close() {
        if (memory != null) {
            Arrays.fill(memory, 0, memoryUsed, (byte) 0);
        }
        try {
            if (fileOut != null && !finished) {
                fileOut.close();
            }
        } catch (IOException e) {
            // Deleting the file below is what matters.
        }
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                // An undeleted spool file holds only ciphertext whose key is gone; start-up clears the directory.
            }
        }
        if (key != null) {
            key.close();
        }
    }
}
