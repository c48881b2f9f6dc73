package org.postern.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OwnerOnlyFilesTest {
    @TempDir
    Path dir;

    @Test
    void writeCreatesAnOwnerOnlyFileWithTheContent() throws IOException {
        Path file = dir.resolve("secret.key");
        OwnerOnlyFiles.write(file, new byte[] {1, 2, 3});
        assertThat(Files.readAllBytes(file)).containsExactly(1, 2, 3);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        OwnerOnlyFiles.requireOwnerOnly(file);
    }

    @Test
    void writeReplacesAtomicallyAndLeavesNoTempFiles() throws IOException {
        Path file = dir.resolve("secret.key");
        Files.write(file, new byte[] {9});
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        OwnerOnlyFiles.write(file, new byte[] {4, 5});
        assertThat(Files.readAllBytes(file)).containsExactly(4, 5);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).containsExactly(file);
        }
    }

    @Test
    void createNewNeverReplacesAnExistingFile() throws IOException {
        Path file = dir.resolve("ring");
        assertThat(OwnerOnlyFiles.createNew(file, new byte[] {1})).isTrue();
        assertThat(OwnerOnlyFiles.createNew(file, new byte[] {2})).isFalse();
        assertThat(Files.readAllBytes(file)).containsExactly(1);
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).containsExactly(file);
        }
    }

    @Test
    void groupOrOtherPermissionsAreRefusedWithAChmodHint() throws IOException {
        Path file = dir.resolve("secret.key");
        Files.write(file, new byte[] {1});
        for (String mode : new String[] {"rw-r-----", "rw----r--", "rw--w----", "rw-----w-", "rw---x---", "rw------x"}) {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
            assertThatThrownBy(() -> OwnerOnlyFiles.requireOwnerOnly(file))
                    .isInstanceOf(KeyFileException.class)
                    .hasMessage(file + " is readable or writable by group or others; run: chmod 600 " + file);
        }
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("r--------"));
        OwnerOnlyFiles.requireOwnerOnly(file);
    }

    @Test
    void missingFileIsRefusedByName() {
        Path file = dir.resolve("absent.key");
        assertThatThrownBy(() -> OwnerOnlyFiles.requireOwnerOnly(file))
                .isInstanceOf(KeyFileException.class)
                .hasMessageContaining(file.toString());
    }

    @Test
    void privateDirectoryIsCreatedWithMode700() throws IOException {
        Path nested = dir.resolve("a/b/keys");
        OwnerOnlyFiles.createPrivateDirectory(nested);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(nested))).isEqualTo("rwx------");
        OwnerOnlyFiles.createPrivateDirectory(nested);
    }

    @Test
    void existingOpenDirectoryIsRefusedWithAChmodHint() throws IOException {
        Path open = Files.createDirectory(dir.resolve("open"));
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxr-xr-x"));
        assertThatThrownBy(() -> OwnerOnlyFiles.createPrivateDirectory(open))
                .isInstanceOf(KeyFileException.class)
                .hasMessageContaining("chmod 700 " + open);
    }

    @Test
    void regularFileInPlaceOfTheDirectoryIsRefused() throws IOException {
        Path file = Files.write(dir.resolve("notadir"), new byte[0]);
        assertThatThrownBy(() -> OwnerOnlyFiles.createPrivateDirectory(file))
                .isInstanceOf(KeyFileException.class)
                .hasMessageContaining("not a directory");
    }
}
