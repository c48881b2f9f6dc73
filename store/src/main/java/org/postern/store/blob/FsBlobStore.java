package org.postern.store.blob;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.postern.model.BlobId;
import org.postern.model.ConflictException;
import org.postern.model.InvalidInputException;
import org.postern.model.NotFoundException;
import org.postern.model.TenantId;
import org.postern.model.UnavailableException;
import org.postern.model.UserId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Blobs as files under one root directory: {@code root/<tenantId>/<ownerId>/<first 2 hex of blobId>/<blobId>}.
 *
 * <p>SECURITY: this class sees only opaque bytes (ciphertext when wrapped by the encrypting decorator)
 * and ids that are parsed UUIDs, so no caller-supplied text ever becomes a path component. It reaches
 * only the files below its root; it never follows a symbolic link it finds there. Directories are
 * created {@code rwx------} and files {@code rw-------}.
 *
 * <p>Durability: {@link #put} writes a temporary file in the blob's directory, forces it to disk,
 * gives it its final name without ever replacing an existing blob, and forces the directory (and
 * every directory it had to create) before returning. A crash leaves at most a temporary file,
 * which {@link #removeStaleTempFiles()} removes; it never leaves a partially written blob under a
 * final name.
 */
public final class FsBlobStore implements BlobStore {
    private static final Logger LOG = LoggerFactory.getLogger(FsBlobStore.class);

    /** Temporary files start with this; no blob name (a canonical UUID) can. */
    static final String TEMP_PREFIX = ".tmp-";

    private static final Set<PosixFilePermission> DIR_PERMISSIONS = PosixFilePermissions.fromString("rwx------");
    private static final FileAttribute<Set<PosixFilePermission>> DIR_ATTRIBUTE =
            PosixFilePermissions.asFileAttribute(DIR_PERMISSIONS);
    private static final FileAttribute<Set<PosixFilePermission>> FILE_ATTRIBUTE =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));
    private static final LinkOption[] NOFOLLOW = {LinkOption.NOFOLLOW_LINKS};
    private static final int LOCK_STRIPES = 64;

    private final Path root;
    private final boolean hardLinks;
    private final Object[] publishLocks = new Object[LOCK_STRIPES];

    /**
     * Opens (and creates, {@code rwx------}, if missing) the store rooted at {@code root}.
     * @throws UnavailableException if the root cannot be created or is not a directory
     */
    public FsBlobStore(Path root) {
        this(root, true);
    }

    /** For tests: {@code hardLinks=false} exercises the rename fallback used where links are unsupported. */
    FsBlobStore(Path root, boolean hardLinks) {
        this.root = Objects.requireNonNull(root, "root").toAbsolutePath().normalize();
        this.hardLinks = hardLinks;
        for (int i = 0; i < publishLocks.length; i++) {
            publishLocks[i] = new Object();
        }
        try {
            if (!Files.exists(this.root, NOFOLLOW)) {
                Files.createDirectories(this.root, DIR_ATTRIBUTE);
            }
            if (!Files.isDirectory(this.root, NOFOLLOW)) {
                throw new UnavailableException("blob store root is not a directory");
            }
            Set<PosixFilePermission> actual = Files.getPosixFilePermissions(this.root, NOFOLLOW);
            if (!DIR_PERMISSIONS.containsAll(actual)) {
                LOG.warn("event=blobstore.root.permissions detail=\"root is accessible to group or others\" mode={}",
                        PosixFilePermissions.toString(actual));
            }
        } catch (IOException | UnsupportedOperationException e) {
            throw new UnavailableException("blob store root is not usable", e);
        }
    }

    @Override
    public long write(BlobRef ref, Writer writer) throws IOException {
        Objects.requireNonNull(ref, "ref");
        Objects.requireNonNull(writer, "writer");
        Path target = pathOf(ref);
        Path dir = target.getParent();
        ensureDirectory(dir);
        if (Files.exists(target, NOFOLLOW)) {
            throw new ConflictException("blob already exists");
        }
        Path temp = dir.resolve(TEMP_PREFIX + ref.blobId() + "-" + UUID.randomUUID());
        boolean published = false;
        try {
            long written;
            try (FileChannel channel = FileChannel.open(temp,
                    Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS),
                    FILE_ATTRIBUTE)) {
                OutputStream out = Channels.newOutputStream(channel);
                // The writer may close what it is given (a cipher stream closes its sink); the
                // channel stays open for the fsync.
                written = writer.writeTo(new FilterOutputStream(out) {
                    @Override
                    public void write(byte[] b, int off, int len) throws IOException {
                        out.write(b, off, len);
                    }

                    @Override
                    public void close() {
                    }
                });
                channel.force(true);
            }
            publish(temp, target);
            published = true;
            Files.deleteIfExists(temp);
            fsyncDirectory(dir);
            return written;
        } finally {
            if (!published) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException e) {
                    LOG.warn("event=blobstore.temp.cleanup.failed type={}", e.getClass().getSimpleName());
                }
            }
        }
    }

    /**
     * Gives the forced temporary file its final name, refusing to replace an existing blob.
     *
     * <p>The normal path is {@code link(2)}: it fails atomically with EEXIST when the name exists,
     * across threads and processes alike; the temporary name is unlinked afterwards (a crash in
     * between leaves a second name for the same inode, removed by {@link #removeStaleTempFiles}).
     *
     * <p>Where hard links are unsupported, the fallback is an existence check and an atomic rename
     * under a lock striped by path. That closes the race between threads of this process only:
     * {@code rename(2)} replaces silently, so another process writing the same blob id between
     * the check and the rename could be overwritten. Blob ids are random UUIDs, so that needs a
     * second writer with the same id (a bug or a replay), not bad luck.
     */
    private void publish(Path temp, Path target) throws IOException {
        if (hardLinks) {
            try {
                Files.createLink(target, temp);
                return;
            } catch (FileAlreadyExistsException e) {
                throw new ConflictException("blob already exists");
            } catch (UnsupportedOperationException | FileSystemException e) {
                LOG.debug("event=blobstore.link.unsupported type={}", e.getClass().getSimpleName());
            }
        }
        synchronized (publishLocks[Math.floorMod(target.hashCode(), LOCK_STRIPES)]) {
            if (Files.exists(target, NOFOLLOW)) {
                throw new ConflictException("blob already exists");
            }
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
        }
    }

    @Override
    public InputStream open(BlobRef ref) throws IOException {
        Path path = pathOf(Objects.requireNonNull(ref, "ref"));
        if (!Files.isRegularFile(path, NOFOLLOW)) {
            throw new NotFoundException("blob not found");
        }
        try {
            return Files.newInputStream(path, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            throw new NotFoundException("blob not found");
        }
    }

    @Override
    public boolean exists(BlobRef ref) {
        return Files.isRegularFile(pathOf(Objects.requireNonNull(ref, "ref")), NOFOLLOW);
    }

    @Override
    public boolean delete(BlobRef ref) throws IOException {
        Path path = pathOf(Objects.requireNonNull(ref, "ref"));
        if (!Files.isRegularFile(path, NOFOLLOW)) {
            return false;
        }
        boolean deleted = Files.deleteIfExists(path);
        if (deleted) {
            fsyncDirectory(path.getParent());
        }
        return deleted;
    }

    @Override
    public List<BlobRef> list() throws IOException {
        List<BlobRef> refs = new ArrayList<>();
        for (Path tenantDir : directories(root)) {
            Optional<TenantId> tenant = parse(tenantDir, TenantId::parse);
            if (tenant.isEmpty()) {
                continue;
            }
            for (Path ownerDir : directories(tenantDir)) {
                Optional<UserId> owner = parse(ownerDir, UserId::parse);
                if (owner.isEmpty()) {
                    continue;
                }
                for (Path prefixDir : directories(ownerDir)) {
                    String prefix = prefixDir.getFileName().toString();
                    for (Path file : files(prefixDir)) {
                        String name = file.getFileName().toString();
                        if (name.startsWith(TEMP_PREFIX) || !name.startsWith(prefix)) {
                            continue;
                        }
                        parse(file, BlobId::parse).ifPresent(id -> refs.add(new BlobRef(tenant.get(), owner.get(), id)));
                    }
                }
            }
        }
        return refs;
    }

    /**
     * Deletes every temporary file left by an interrupted {@link #put}. Call it at startup, before
     * the store takes writes: a put in progress would lose its temporary file and fail (safely: it
     * has not returned, so nothing was acknowledged). While serving, use {@link #removeStaleTempFiles(Duration)}.
     * @return the number of files deleted
     */
    public int removeStaleTempFiles() throws IOException {
        return removeStaleTempFiles(Duration.ZERO);
    }

    /** Deletes temporary files last modified more than {@code olderThan} ago. @return the number deleted */
    public int removeStaleTempFiles(Duration olderThan) throws IOException {
        Objects.requireNonNull(olderThan, "olderThan");
        FileTime cutoff = FileTime.from(Instant.now().minus(olderThan));
        int removed = 0;
        for (Path tenantDir : directories(root)) {
            for (Path ownerDir : directories(tenantDir)) {
                for (Path prefixDir : directories(ownerDir)) {
                    int here = 0;
                    for (Path file : files(prefixDir)) {
                        if (!file.getFileName().toString().startsWith(TEMP_PREFIX)) {
                            continue;
                        }
                        try {
                            if (olderThan.isZero()
                                    || Files.getLastModifiedTime(file, NOFOLLOW).compareTo(cutoff) < 0) {
                                if (Files.deleteIfExists(file)) {
                                    here++;
                                }
                            }
                        } catch (NoSuchFileException e) {
                            // Gone already (a put finished or another sweep ran): nothing to do.
                        }
                    }
                    if (here > 0) {
                        fsyncDirectory(prefixDir);
                        removed += here;
                    }
                }
            }
        }
        if (removed > 0) {
            LOG.info("event=blobstore.temp.removed count={}", removed);
        }
        return removed;
    }

    Path pathOf(BlobRef ref) {
        String blob = ref.blobId().value().toString();
        return root.resolve(ref.tenantId().value().toString())
                .resolve(ref.ownerId().value().toString())
                .resolve(blob.substring(0, 2))
                .resolve(blob);
    }

    /** Creates each missing level below the root (0700), forcing the parent of every directory it creates. */
    private void ensureDirectory(Path dir) throws IOException {
        Path relative = root.relativize(dir);
        Path current = root;
        for (Path part : relative) {
            Path next = current.resolve(part);
            if (!Files.isDirectory(next, NOFOLLOW)) {
                try {
                    Files.createDirectory(next, DIR_ATTRIBUTE);
                    fsyncDirectory(current);
                } catch (FileAlreadyExistsException e) {
                    // Created concurrently; checked below.
                }
                if (!Files.isDirectory(next, NOFOLLOW)) {
                    throw new IOException("blob store path is not a directory");
                }
            }
            current = next;
        }
    }

    private static void fsyncDirectory(Path dir) throws IOException {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    private static List<Path> directories(Path dir) throws IOException {
        return entries(dir, true);
    }

    private static List<Path> files(Path dir) throws IOException {
        return entries(dir, false);
    }

    private static List<Path> entries(Path dir, boolean wantDirectories) throws IOException {
        List<Path> out = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
            for (Path p : stream) {
                boolean isDir = Files.isDirectory(p, NOFOLLOW);
                if (wantDirectories ? isDir : Files.isRegularFile(p, NOFOLLOW)) {
                    out.add(p);
                }
            }
        } catch (NoSuchFileException e) {
            // Removed while walking: nothing there.
        }
        return out;
    }

    private static <T> Optional<T> parse(Path path, java.util.function.Function<String, T> parser) {
        try {
            return Optional.of(parser.apply(path.getFileName().toString()));
        } catch (InvalidInputException e) {
            return Optional.empty();
        }
    }

    @Override
    public String toString() {
        return "FsBlobStore[" + root + "]";
    }
}
