package org.postern.server.e2e;

import org.postern.mta.checks.LoopbackDns;
import static org.assertj.core.api.Assertions.assertThat;
import static org.postern.server.e2e.CliE2ETest.ok;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.server.e2e.Deployment.Mail;
import org.postern.server.e2e.SmtpConnection.Reply;

/**
 * "250 means durable": several clients send small messages as fast as the server takes them, the
 * server is killed with SIGKILL in the middle, and after a restart on the same data every
 * message that was ever answered 250 must be there and decrypt. Messages that were stored but
 * never acknowledged are allowed (the client will send them again).
 */
class SmtpDurabilityE2ETest {
    private static final String ALICE = "alice@example.test";
    private static final String SENDER = "load@load.test";
    private static final int CLIENTS = 6;
    /** Kill once this many messages are acknowledged, or after {@link #SENDING_AT_MOST}, whichever is first. */
    private static final int KILL_AFTER_ACKNOWLEDGED = 4000;
    private static final Duration SENDING_AT_MOST = Duration.ofSeconds(50);
    private static final int AT_LEAST_ACKNOWLEDGED = 200;

    @TempDir
    Path tmp;

    @Test
    void everyAcknowledgedMessageSurvivesAKillDashNineMidStream() throws Exception {
        Launcher postern = new Launcher(tmp.resolve("data"))
                .env("POSTERN_SMTP_MESSAGES_PER_MINUTE_PER_IP", "1000000")
                .env("POSTERN_SMTP_RECIPIENTS_PER_MINUTE_PER_IP", "1000000")
                .env("POSTERN_SMTP_MESSAGES_PER_MINUTE_PER_DOMAIN", "1000000");
        try (Deployment d = Deployment.open(postern.dataDir())) {
            d.domain("example.test").user(ALICE);
        }
        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        AtomicInteger refusedBeforeKill = new AtomicInteger();
        AtomicBoolean killed = new AtomicBoolean();
        List<String> firstRefusals = new ArrayList<>();

        try (LoopbackDns dns = LoopbackDns.zone().txt("load.test", "v=spf1 ip4:127.0.0.1 -all").start()) {
            postern.env("POSTERN_DNS_SERVERS", dns.serverSpec());
            RunningServer server = RunningServer.start(postern, RunningServer.MX_HOSTNAME);
            try {
                // ./postern execs java: the child process is the JVM itself, so SIGKILL reaches the server.
                assertThat(server.process().info().command()).hasValueSatisfying(c -> assertThat(c).endsWith("/java"));
                ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
                List<Future<Integer>> sent = new ArrayList<>();
                for (int i = 0; i < CLIENTS; i++) {
                    int client = i;
                    sent.add(clients.submit(() -> sendUntilKilled(server.smtpPort(), client, acknowledged, killed,
                            refusedBeforeKill, firstRefusals)));
                }
                long start = System.nanoTime();
                Awaitility.await().atMost(SENDING_AT_MOST.plusSeconds(30)).pollInterval(Duration.ofMillis(50))
                        .until(() -> acknowledged.size() >= KILL_AFTER_ACKNOWLEDGED
                                || System.nanoTime() - start > SENDING_AT_MOST.toNanos()
                                || sent.stream().allMatch(Future::isDone));
                killed.set(true);
                server.kill();
                double seconds = (System.nanoTime() - start) / 1e9;
                int attempted = 0;
                for (Future<Integer> f : sent) {
                    attempted += f.get(60, TimeUnit.SECONDS);
                }
                clients.shutdown();
                System.out.printf("durability: %d attempted, %d acknowledged in %.1f s before SIGKILL, %d refused%n",
                        attempted, acknowledged.size(), seconds, refusedBeforeKill.get());
                assertThat(refusedBeforeKill.get()).as("messages refused before the kill: %s", firstRefusals).isZero();
                assertThat(acknowledged).hasSizeGreaterThanOrEqualTo(AT_LEAST_ACKNOWLEDGED);
            } finally {
                server.close();
            }

            // The same data directory starts cleanly, verifies and takes mail again.
            try (RunningServer restarted = RunningServer.start(postern, RunningServer.MX_HOSTNAME)) {
                String id = TestMessages.newMessageId("load.test");
                try (SmtpConnection c = SmtpConnection.ready(restarted.smtpPort())) {
                    c.send(SENDER, ALICE, TestMessages.message(SENDER, ALICE, id, "After the crash", "Still here.\r\n"))
                            .require(250);
                }
                acknowledged.add(id);
                Launcher.Result verify = postern.run("store", "verify");
                ok(verify);
                assertThat(verify.out()).contains(" 0 failed");
            }
        }

        Map<String, Mail> stored = Deployment.messages(postern.dataDir(), ALICE, "INBOX").stream()
                .collect(Collectors.toMap(Mail::messageId, Function.identity(), (a, b) -> a));
        Set<String> lost = acknowledged.stream().filter(id -> !stored.containsKey(id)).collect(Collectors.toSet());
        assertThat(lost).as("acknowledged with 250 but not stored (%d of %d)", lost.size(), acknowledged.size()).isEmpty();
        for (String id : acknowledged) {
            assertThat(stored.get(id).text()).contains("Message-ID: <" + id + ">").contains("Received: from ");
        }
    }

    /**
     * One client: one connection, message after message, until the server dies. Every Message-ID
     * answered 250 goes into {@code acknowledged}. @return how many messages it started to send
     */
    private static int sendUntilKilled(int port, int client, Set<String> acknowledged, AtomicBoolean killed,
            AtomicInteger refused, List<String> refusals) {
        int attempted = 0;
        try (SmtpConnection c = SmtpConnection.ready(port)) {
            while (!killed.get()) {
                String id = TestMessages.newMessageId("load.test");
                byte[] message = TestMessages.message(SENDER, ALICE, id, "Load " + client + "/" + attempted,
                        "Message " + attempted + " of client " + client + ".\r\n");
                attempted++;
                Reply r = c.send(SENDER, ALICE, message);
                if (r.code() == 250) {
                    acknowledged.add(id);
                } else if (!killed.get()) {
                    refused.incrementAndGet();
                    synchronized (refusals) {
                        if (refusals.size() < 5) {
                            refusals.add(r.toString());
                        }
                    }
                }
            }
        } catch (IOException | AssertionError e) {
            // The server was killed mid-conversation (or refused a command: counted if before the kill).
            if (!killed.get()) {
                refused.incrementAndGet();
                synchronized (refusals) {
                    if (refusals.size() < 5) {
                        refusals.add(e.toString());
                    }
                }
            }
        }
        return attempted;
    }
}
