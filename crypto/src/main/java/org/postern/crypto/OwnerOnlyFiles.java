package org.postern.crypto;

import java.nio.file.Path;

/** Files that hold secrets: created 0600 from the first byte, written atomically, checked on load. */
public final class OwnerOnlyFiles {
    private OwnerOnlyFiles() {}

    /** Temp file created 0600 in the same directory, written, fsynced, renamed over {@code file}, directory fsynced. */
    public static void write(Path file, byte[] content) {
        throw new UnsupportedOperationException("filled in by the crypto work");
    }

    /** @throws KeyFileException naming the file if group or others have any permission on it */
    public static void requireOwnerOnly(Path file) {
        throw new UnsupportedOperationException("filled in by the crypto work");
    }

    /** Creates the directory (and parents) with mode 0700, or checks an existing one is not group/other accessible. */
    public static void createPrivateDirectory(Path dir) {
        throw new UnsupportedOperationException("filled in by the crypto work");
    }
}
