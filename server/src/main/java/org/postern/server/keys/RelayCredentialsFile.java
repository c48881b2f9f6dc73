package org.postern.server.keys;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import java.util.function.Supplier;
import org.postern.crypto.MasterKeyRing;
import org.postern.crypto.OwnerOnlyFiles;
import org.postern.mta.outbound.RelayCredentials;

/**
 * The smarthost's login and password, sealed under the master key in
 * {@code keys/relay-credentials.sealed} (resealed by {@code keys rotate}, included in key
 * backups). Read on every use, so {@code ./postern relay set} takes effect in a running server.
 */
public final class RelayCredentialsFile {
    public static final String PURPOSE = "relay-credentials";
    public static final String FILE_NAME = "relay-credentials.sealed";

    private RelayCredentialsFile() {}

    public static void write(Path keysDir, MasterKeyRing ring, String login, char[] password) {
        RelayCredentials checked = new RelayCredentials(login, password); // validates both
        ByteBuffer encoded = StandardCharsets.UTF_8.encode(CharBuffer.wrap(checked.password()));
        byte[] loginBytes = login.getBytes(StandardCharsets.UTF_8);
        byte[] plain = new byte[loginBytes.length + 1 + encoded.remaining()];
        System.arraycopy(loginBytes, 0, plain, 0, loginBytes.length);
        encoded.get(plain, loginBytes.length + 1, encoded.remaining());
        Arrays.fill(encoded.array(), (byte) 0);
        try {
            OwnerOnlyFiles.write(keysDir.resolve(FILE_NAME), ring.seal(PURPOSE, plain));
        } finally {
            Arrays.fill(plain, (byte) 0);
        }
    }

    public static boolean clear(Path keysDir) {
        try {
            return Files.deleteIfExists(keysDir.resolve(FILE_NAME));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + keysDir.resolve(FILE_NAME), e);
        }
    }

    /** The current credentials, if set. */
    public static Optional<RelayCredentials> read(Path keysDir, MasterKeyRing ring) {
        Path file = keysDir.resolve(FILE_NAME);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        byte[] plain = null;
        try {
            OwnerOnlyFiles.requireOwnerOnly(file);
            plain = ring.unseal(PURPOSE, Files.readAllBytes(file));
            int nul = -1;
            for (int i = 0; i < plain.length; i++) {
                if (plain[i] == 0) {
                    nul = i;
                    break;
                }
            }
            if (nul <= 0) {
                throw new IllegalStateException("the relay credentials in " + file + " are malformed");
            }
            String login = new String(plain, 0, nul, StandardCharsets.UTF_8);
            CharBuffer chars = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(plain, nul + 1, plain.length - nul - 1));
            char[] password = new char[chars.remaining()];
            chars.get(password);
            Arrays.fill(chars.array(), '\0');
            return Optional.of(new RelayCredentials(login, password));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        } finally {
            if (plain != null) {
                Arrays.fill(plain, (byte) 0);
            }
        }
    }

    /** Reads the file at each call, with the ring current at that moment. */
    public static Supplier<Optional<RelayCredentials>> supplier(Path keysDir, Supplier<MasterKeyRing> ring) {
        return () -> read(keysDir, ring.get());
    }
}
