package org.postern.mta.outbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.postern.model.EmailAddress;

/** The client against a scripted server on a real loopback socket. */
class SmtpClientTest {
    private static final Duration T = Duration.ofSeconds(10);

    /** Serves one connection: the greeting, then {@code answer} for each line until QUIT; returns what it read. */
    private static CompletableFuture<List<String>> serve(ServerSocket server, String greeting,
            Function<String, String> answer) {
        return CompletableFuture.supplyAsync(() -> {
            List<String> seen = new ArrayList<>();
            try (Socket s = server.accept()) {
                BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
                OutputStream out = s.getOutputStream();
                out.write(greeting.getBytes(StandardCharsets.US_ASCII));
                boolean data = false;
                String line;
                while ((line = in.readLine()) != null) {
                    seen.add(line);
                    if (data) {
                        if (line.equals(".")) {
                            data = false;
                            out.write("250 2.0.0 queued\r\n".getBytes(StandardCharsets.US_ASCII));
                        }
                        continue;
                    }
                    String reply = answer.apply(line);
                    out.write(reply.getBytes(StandardCharsets.US_ASCII));
                    if (line.equals("DATA") && reply.startsWith("354")) {
                        data = true;
                    }
                    if (line.equals("QUIT")) {
                        break;
                    }
                }
            } catch (IOException e) {
                seen.add("! " + e);
            }
            return seen;
        });
    }

    private static String ordinary(String line) {
        if (line.startsWith("EHLO")) {
            return "250-mx.test\r\n250-SIZE 1000\r\n250-8BITMIME\r\n250 ENHANCEDSTATUSCODES\r\n";
        }
        if (line.startsWith("RCPT TO:<nobody@")) {
            return "550 5.1.1 no such user\r\n";
        }
        if (line.startsWith("RCPT TO:<later@")) {
            return "451 4.7.1 greylisted\r\n";
        }
        if (line.equals("DATA")) {
            return "354 go ahead\r\n";
        }
        if (line.equals("QUIT")) {
            return "221 bye\r\n";
        }
        return "250 2.0.0 ok\r\n";
    }

    private static SmtpClient open(ServerSocket server) throws IOException {
        return SmtpClient.open(new InetSocketAddress("127.0.0.1", server.getLocalPort()), "mx.test", "mail.example.test",
                SmtpClient.TlsMode.OPPORTUNISTIC, T, T, T);
    }

    @Test
    void eachRecipientGetsItsOwnAnswerAndTheContentIsDotStuffed() throws Exception {
        try (ServerSocket server = new ServerSocket(0)) {
            var seen = serve(server, "220 mx.test ESMTP\r\n", SmtpClientTest::ordinary);
            EmailAddress ok = EmailAddress.parse("rita@remote.test");
            EmailAddress nobody = EmailAddress.parse("nobody@remote.test");
            EmailAddress later = EmailAddress.parse("later@remote.test");
            byte[] content = "Subject: x\r\n\r\n.leading dot\nbare lf\r\nno final newline".getBytes(StandardCharsets.US_ASCII);
            SmtpClient.Transaction t;
            try (SmtpClient c = open(server)) {
                assertThat(c.tls()).isFalse();
                t = c.send(EmailAddress.parse("alice@example.test"), List.of(ok, nobody, later),
                        new ByteArrayInputStream(content), content.length);
            }
            assertThat(t.outcome(ok).code()).isEqualTo(250);
            assertThat(t.outcome(nobody).code()).isEqualTo(550);
            assertThat(t.outcome(later).code()).isEqualTo(451);
            List<String> lines = seen.get(10, TimeUnit.SECONDS);
            assertThat(lines).contains("EHLO mail.example.test", "MAIL FROM:<alice@example.test> SIZE=" + content.length
                    + " BODY=8BITMIME", "RCPT TO:<rita@remote.test>", "..leading dot", "bare lf", "no final newline", ".",
                    "QUIT");
        }
    }

    @Test
    void aMessageOverTheServersSizeIsRefusedWithoutSendingIt() throws Exception {
        try (ServerSocket server = new ServerSocket(0)) {
            var seen = serve(server, "220 mx.test ESMTP\r\n", SmtpClientTest::ordinary);
            SmtpClient.Transaction t;
            try (SmtpClient c = open(server)) {
                t = c.send(EmailAddress.parse("alice@example.test"), List.of(EmailAddress.parse("rita@remote.test")),
                        new ByteArrayInputStream(new byte[2000]), 2000);
            }
            assertThat(t.outcome(EmailAddress.parse("rita@remote.test")).code()).isEqualTo(552);
            assertThat(seen.get(10, TimeUnit.SECONDS)).noneMatch(l -> l.startsWith("MAIL"));
        }
    }

    @Test
    void aRefusedSenderFailsEveryRecipient() throws Exception {
        try (ServerSocket server = new ServerSocket(0)) {
            serve(server, "220 mx.test ESMTP\r\n", l -> l.startsWith("MAIL") ? "553 5.7.1 sender rejected\r\n" : ordinary(l));
            try (SmtpClient c = open(server)) {
                SmtpClient.Transaction t = c.send(EmailAddress.parse("alice@example.test"),
                        List.of(EmailAddress.parse("rita@remote.test")), new ByteArrayInputStream(new byte[1]), 1);
                assertThat(t.outcome(EmailAddress.parse("rita@remote.test")).summary()).isEqualTo("553 5.7.1 sender rejected");
            }
        }
    }

    @Test
    void aBadGreetingOrAGarbageReplyFailsTheSession() throws Exception {
        try (ServerSocket server = new ServerSocket(0)) {
            serve(server, "554 go away\r\n", SmtpClientTest::ordinary);
            assertThatThrownBy(() -> open(server)).isInstanceOf(SmtpClient.SessionFailure.class);
        }
        try (ServerSocket server = new ServerSocket(0)) {
            serve(server, "220 hi\r\n", l -> "hello there\r\n");
            assertThatThrownBy(() -> open(server)).isInstanceOf(IOException.class);
        }
    }

    @Test
    void requiredTlsWithoutStartTlsOnOfferFailsTheSession() throws Exception {
        try (ServerSocket server = new ServerSocket(0)) {
            serve(server, "220 mx.test ESMTP\r\n", SmtpClientTest::ordinary);
            assertThatThrownBy(() -> SmtpClient.open(new InetSocketAddress("127.0.0.1", server.getLocalPort()), "mx.test",
                    "mail.example.test", SmtpClient.TlsMode.REQUIRED_VERIFIED, T, T, T))
                    .isInstanceOf(SmtpClient.SessionFailure.class).hasMessageContaining("TLS is required");
        }
    }
}
