package org.postern.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code <data-dir>/ports.json}: the ports the running server listens on, by listener name
 * ({@code {"smtp":N,...,"http":N}}, only listeners that exist). Scripts and tests wait for it to
 * appear; it is removed before listeners start and when the server stops, so it is never stale.
 */
public final class PortsFile {
    public static final String NAME = "ports.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;

    public PortsFile(Path dataDir) {
        this.file = dataDir.resolve(NAME);
    }

    public Path path() {
        return file;
    }

    /** Writes atomically, so a reader sees the old file, no file, or the whole new one. */
    public void write(Map<String, Integer> ports) {
        Path tmp = file.resolveSibling(NAME + ".tmp");
        try {
            Files.write(tmp, JSON.writeValueAsBytes(new LinkedHashMap<>(ports)));
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    public void remove() {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + file, e);
        }
    }
}
