package org.postern.mta.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpoolTest {
    @TempDir
    Path dir;

    private static byte[] message(int bytes) {
        byte[] line = "SpoolCanary line of text\r\n".getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[bytes];
        for (int i = 0; i < bytes; i++) {
            out[i] = line[i % line.length];
        }
        return out;
    }

    private static byte[] readAll(Spool spool) throws Exception {
        try (InputStream in = spool.open()) {
            return in.readAllBytes();
        }
    }

    @Test
    void aSmallMessageStaysInMemoryAndReadsBackAnyNumberOfTimes() throws Exception {
        byte[] m = message(1000);
        try (Spool spool = new Spool(dir, 4096)) {
            try (OutputStream out = spool.output()) {
                out.write(m, 0, 500);
                out.write(m, 500, 500);
            }
            assertThat(spool.size()).isEqualTo(1000);
            assertThat(readAll(spool)).isEqualTo(m);
            assertThat(readAll(spool)).isEqualTo(m);
            try (Stream<Path> files = Files.list(dir)) {
                assertThat(files).isEmpty();
            }
        }
    }

    @Test
    void aLargeMessageSpillsToAnEncryptedFileThatIsGoneAfterClose() throws Exception {
        byte[] m = message(300_000);
        Spool spool = new Spool(dir, 64 * 1024);
        try (OutputStream out = spool.output()) {
            for (int i = 0; i < m.length; i += 10_000) {
                out.write(m, i, Math.min(10_000, m.length - i));
            }
        }
        assertThat(readAll(spool)).isEqualTo(m);
        Path file;
        try (Stream<Path> files = Files.list(dir)) {
            file = files.findFirst().orElseThrow();
        }
        assertThat(new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1)).doesNotContain("SpoolCanary");
        assertThat(Files.getPosixFilePermissions(file).toString()).isEqualTo("[OWNER_READ, OWNER_WRITE]");
        spool.close();
        assertThat(file).doesNotExist();
    }

    @Test
    void itCannotBeReadBeforeItIsFinished() throws Exception {
        try (Spool spool = new Spool(dir, 1024)) {
            spool.output().write(1);
            assertThatThrownBy(spool::open).isInstanceOf(IllegalStateException.class);
        }
    }
}
