package org.postern.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.mta.checks.LoopbackDns;

/**
 * The BINARY extension (RFC 3516) on a real {@code ./postern serve}, over a raw TLS socket: a
 * message with NULs APPENDed as a literal8, then BINARY, BINARY.PEEK with partials and
 * BINARY.SIZE of quoted-printable, base64, binary and unknown encodings.
 */
class ImapBinaryE2ETest {
    private static final String DOMAIN = "example.test";
    private static final String CAROL = "carol@example.test";
    private static final String PASSWORD = "correct horse battery staple";

    /** Four leaf parts: quoted-printable, base64 (of NUL 1 2 "hi"), an unknown encoding, binary with a NUL. */
    private static final String MESSAGE = "From: carol@example.test\r\nSubject: binary parts\r\n"
            + "Content-Type: multipart/mixed; boundary=b\r\n\r\n"
            + "--b\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
            + "soft=\r\nbreak =3D equals\r\n"
            + "--b\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\nAAECaGk=\r\n"
            + "--b\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: x-unknown\r\n\r\nzzz\r\n"
            + "--b\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: binary\r\n\r\nNUL\0here\r\n"
            + "--b--\r\n";

    @TempDir
    static Path tmp;

    static LoopbackDns dns;
    static Launcher postern;
    static RunningServer server;

    @BeforeAll
    static void start() throws Exception {
        dns = LoopbackDns.zone().start();
        postern = new Launcher(tmp.resolve("data")).env("POSTERN_DNS_SERVERS", dns.serverSpec());
        try (Deployment d = Deployment.open(postern.dataDir())) {
            d.domain(DOMAIN).user(CAROL);
        }
        server = RunningServer.start(postern, RunningServer.MX_HOSTNAME);
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        if (dns != null) {
            dns.close();
        }
    }

    @Test
    void aLiteral8AppendIsFetchedBackDecodedPartByPart() throws Exception {
        try (ImapConnection c = ImapConnection.tls(server.port("imaps"))) {
            assertThat(c.command("l", "LOGIN " + CAROL + " \"" + PASSWORD + "\"").getLast()).startsWith("l OK")
                    .contains(" BINARY");
            int size = MESSAGE.getBytes(StandardCharsets.UTF_8).length;
            c.write("a APPEND INBOX ~{" + size + "}\r\n");
            assertThat(c.line()).startsWith("+ ");
            c.write(MESSAGE + "\r\n");
            assertThat(c.until("a ").getLast()).startsWith("a OK [APPENDUID ");
            assertThat(c.command("s", "SELECT INBOX")).contains("* 1 EXISTS");

            assertThat(c.command("b", "FETCH 1 (BINARY.SIZE[1] BINARY.SIZE[2] BINARY.SIZE[4])").getFirst())
                    .isEqualTo("* 1 FETCH (BINARY.SIZE[1] 18 BINARY.SIZE[2] 5 BINARY.SIZE[4] 8)");
            // Quoted-printable, decoded: the soft break joined, =3D an "=" (no NUL: an ordinary literal).
            assertThat(c.command("c", "FETCH 1 BINARY.PEEK[1]")).containsExactly(
                    "* 1 FETCH (BINARY[1] {18}", "softbreak = equals)", "c OK FETCH completed");
            // Base64 decoded to NUL 1 2 "hi": a literal8, as it holds a NUL.
            assertThat(c.command("d", "FETCH 1 BINARY.PEEK[2]")).startsWith("* 1 FETCH (BINARY[2] ~{5}",
                    "\0\u0001\u0002hi)");
            assertThat(c.command("e", "UID FETCH 1 BINARY.PEEK[2]<3.10>")).startsWith(
                    "* 1 FETCH (UID 1 BINARY[2]<3> {2}", "hi)");
            assertThat(c.command("f", "FETCH 1 BINARY.PEEK[4]")).startsWith("* 1 FETCH (BINARY[4] ~{8}", "NUL\0here)");
            assertThat(c.command("g", "FETCH 1 BINARY.PEEK[3]").getLast()).startsWith("g NO [UNKNOWN-CTE]");
            assertThat(c.command("h", "FETCH 1 BINARY.SIZE[3]").getLast()).startsWith("h NO [UNKNOWN-CTE]");
            assertThat(c.command("i", "FETCH 1 BINARY.PEEK[9]")).startsWith("* 1 FETCH (BINARY[9] {0}", ")");
            assertThat(c.command("j", "FETCH 1 BINARY[1.MIME]").getLast()).startsWith("j BAD");
            assertThat(c.command("k", "FETCH 1 BINARY.SIZE[1]<0.1>").getLast()).startsWith("k BAD");

            // PEEK left \Seen alone; BINARY without it sets \Seen and says so.
            assertThat(c.command("m", "FETCH 1 FLAGS").getFirst()).doesNotContain("\\Seen");
            List<String> seen = c.command("n", "FETCH 1 BINARY[2]<0.1>");
            assertThat(seen.getFirst()).isEqualTo("* 1 FETCH (BINARY[2]<0> ~{1}");
            assertThat(seen.get(1)).startsWith("\0").contains("FLAGS (\\Seen)");
            assertThat(seen.getLast()).startsWith("n OK");
        }
    }
}
