package org.postern.crypto;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/** Files that hold secrets: created 0600 from the first byte, written atomically, checked on load. */
public final class OwnerOnlyFiles {
    private static final Set<PosixFilePermission> GROUP_OR_OTHERS = EnumSet.of(
            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    private OwnerOnlyFiles() {}

    /** Temp file created 0600 in the same directory, written, fsynced, renamed over {@code file}, directory fsynced. */
    public static void write(Path file, byte[] content) {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(content, "content");
        Path target = file.toAbsolutePath();
        Path temp = writeTemp(target, content);
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            deleteQuietly(temp);
            throw new KeyFileException("cannot write " + target + ": " + e, e);
        }
        fsyncDirectory(target.getParent());
    }

    /**
     * Like {@link #write} but never replaces an existing file: false (and nothing written) when
     * {@code file} already exists. The temp file is hard-linked into place, which is atomic and
     * fails if the target exists, so two processes creating the same file cannot overwrite each other.
     */
    public static boolean createNew(Path file, byte[] content) {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(content, "content");
        Path target = file.toAbsolutePath();
        Path temp = writeTemp(target, content);
        try {
            Files.createLink(target, temp);
            return true;
        } catch (FileAlreadyExistsException e) {
            return false;
        } catch (IOException | UnsupportedOperationException e) {
            throw new KeyFileException("cannot create " + target + ": " + e, e);
        } finally {
            deleteQuietly(temp);
            fsyncDirectory(target.getParent());
        }
    }

    private static Path writeTemp(Path target, byte[] content) {
        Path dir = target.getParent();
        Path temp;
        try {
            FileAttribute<Set<PosixFilePermission>> ownerOnly =
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));
            temp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp", ownerOnly);
        } catch (UnsupportedOperationException e) {
            throw new KeyFileException("cannot write " + target + ": the filesystem has no POSIX permissions to keep it private", e);
        } catch (IOException e) {
            throw new KeyFileException("cannot write " + target + ": " + e, e);
        }
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buffer = ByteBuffer.wrap(content);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(true);
        } catch (IOException e) {
            deleteQuietly(temp);
            throw new KeyFileException("cannot write " + target + ": " + e, e);
        }
        return temp;
    }

    private static void fsyncDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            // Some filesystems (and platforms) refuse to open or fsync a directory; the file itself is
            // already fsynced, so the only risk left is the rename not surviving a power loss.
        }
    }

    private static void deleteQuietly(Path temp) {
        try {
            Files.deleteIfExists(temp);
        } catch (IOException ignored) {
            // a leftover temp file is 0600 and is replaced or ignored; the primary error is reported
        }
    }

    /** @throws KeyFileException naming the file if group or others have any permission on it */
    public static void requireOwnerOnly(Path file) {
        Objects.requireNonNull(file, "file");
        Set<PosixFilePermission> perms = permissionsOf(file);
        if (!Files.isRegularFile(file)) {
            throw new KeyFileException(file + " is not a regular file");
        }
        if (!disjoint(perms)) {
            throw new KeyFileException(file + " is readable or writable by group or others; run: chmod 600 " + file);
        }
    }

    /** Creates the directory (and parents) with mode 0700, or checks an existing one is not group/other accessible. */
    public static void createPrivateDirectory(Path dir) {
        Objects.requireNonNull(dir, "dir");
        if (!Files.exists(dir)) {
            try {
                Files.createDirectories(dir,
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            } catch (UnsupportedOperationException e) {
                throw new KeyFileException("cannot create " + dir + ": the filesystem has no POSIX permissions to keep it private", e);
            } catch (IOException e) {
                throw new KeyFileException("cannot create directory " + dir + ": " + e, e);
            }
        }
        if (!Files.isDirectory(dir)) {
            throw new KeyFileException(dir + " exists and is not a directory");
        }
        if (!disjoint(permissionsOf(dir))) {
            throw new KeyFileException(dir + " is readable or writable by group or others; run: chmod 700 " + dir);
        }
    }

    private static Set<PosixFilePermission> permissionsOf(Path path) {
        try {
            return Files.getPosixFilePermissions(path);
        } catch (NoSuchFileException e) {
            throw new KeyFileException(path + " does not exist", e);
        } catch (UnsupportedOperationException e) {
            throw new KeyFileException("cannot check the permissions of " + path + ": the filesystem has no POSIX permissions", e);
        } catch (IOException e) {
            throw new KeyFileException("cannot read the permissions of " + path + ": " + e, e);
        }
    }

    private static boolean disjoint(Set<PosixFilePermission> perms) {
        for (PosixFilePermission p : perms) {
            if (GROUP_OR_OTHERS.contains(p)) {
                return false;
            }
        }
        return true;
    }
}
