package org.postern.server;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.postern.crypto.OwnerOnlyFiles;
import org.postern.model.DomainName;
import org.postern.mta.checks.DnsResolver;
import org.postern.server.http.api.DomainDnsApi;
import org.postern.mta.checks.SenderAuthentication;
import org.postern.mta.intake.Intake;
import org.postern.mta.outbound.OutboundDelivery;
import org.postern.mta.outbound.Relay;
import org.postern.server.keys.RelayCredentialsFile;
import org.postern.server.tls.RelayTrust;
import org.postern.imap.ImapAuthenticator;
import org.postern.imap.ImapContext;
import org.postern.imap.ImapServer;
import org.postern.smtp.InboundContext;
import org.postern.smtp.InboundSmtpServer;
import org.postern.smtp.SubmissionContext;
import org.postern.mta.submission.Submitter;
import org.postern.mta.limits.KeyedRateLimiter;
import org.postern.server.http.api.SendApi;
import java.time.Duration;
import org.postern.mta.dkim.DkimSigner;
import org.postern.mta.dns.MtaStsPolicy;
import org.postern.server.http.MtaStsRoute;
import org.postern.mta.dkim.DkimSigning;
import org.postern.smtp.SubmissionServer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.postern.server.config.Config;
import org.postern.server.http.HttpsListener;
import org.postern.server.http.api.Api;
import org.postern.server.http.web.WebApp;
import org.postern.server.tls.TlsMaterial;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running server: the deployment, its listeners and {@code ports.json}. Start-up either
 * completes with every listener bound, or fails and releases everything it took.
 */
public final class Server implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Server.class);

    private final ServerLock lock;
    private final Postern postern;
    private final PortsFile portsFile;
    private final HttpsListener https;
    private final InboundSmtpServer smtp;
    private final ImapServer imap;
    private final ImapServer imaps;
    private final SubmissionServer submission;
    private final SubmissionServer submissions;
    private final OutboundDelivery outbound;
    private final Map<String, Integer> ports;
    private final CountDownLatch stopped = new CountDownLatch(1);

    private Server(ServerLock lock, Postern postern, PortsFile portsFile, HttpsListener https, InboundSmtpServer smtp,
            ImapServer imap, ImapServer imaps, SubmissionServer submission, SubmissionServer submissions,
            OutboundDelivery outbound, Map<String, Integer> ports) {
        this.outbound = outbound;
        this.lock = lock;
        this.postern = postern;
        this.portsFile = portsFile;
        this.https = https;
        this.smtp = smtp;
        this.imap = imap;
        this.imaps = imaps;
        this.submission = submission;
        this.submissions = submissions;
        this.ports = ports;
    }

    public static Server start(Config config) throws IOException {
        OwnerOnlyFiles.createPrivateDirectory(config.dataDir());
        ServerLock lock = ServerLock.acquire(config.dataDir());
        Postern postern = null;
        HttpsListener https = null;
        InboundSmtpServer smtp = null;
        ImapServer imap = null;
        ImapServer imaps = null;
        SubmissionServer submission = null;
        SubmissionServer submissions = null;
        OutboundDelivery outbound = null;
        try {
            postern = Postern.open(config);
            org.postern.server.keys.KeyBackupState.warnIfActiveKeyUncovered(postern.masterKeys());
            PortsFile portsFile = new PortsFile(config.dataDir());
            portsFile.remove();
            TlsMaterial tls = TlsMaterial.load(config, postern.masterKeys().get());
            Postern p = postern;
            WebApp webApp = WebApp.load();
            DnsResolver dns = DnsResolver.create(DnsResolver.Settings.defaults(
                    config.dnsServers().isEmpty() ? DnsResolver.systemServers() : config.dnsServers()), config.dnsCache());
            warnIfDaneTrustsARemoteResolver(config);
            InboundContext inbound = inboundContext(config, p, tls, dns);
            // One submission service for SMTP and the API, so the hourly budget is one per user; the
            // limits are the user's tenant's, read for every transaction.
            Submitter submitter = new Submitter(config.hostname(), p.directory(), inbound.intake(),
                    new DkimSigning(p.dkimKeys(), new DkimSigner(1024 * 1024), p.clock()),
                    new KeyedRateLimiter(config.submission().messagesPerHourPerUser(), Duration.ofHours(1), 100_000,
                            p.clock()),
                    p.clock(), p.sendingLimits().server(), p.sendingLimits()::effective);
            https = new HttpsListener(config.bind(), config.httpPort(), tls, config.httpMaxRequestBytes(), p::ready,
                    routes -> {
                        new MtaStsRoute(p.directory(), MtaStsPolicy.forHost(config.hostname())).register(routes);
                        Api.register(routes, p.identity(), p.directory(), p.webmail(), p.outboundQueue(),
                                new SendApi(p.identity(), p.webmail(), submitter, inbound.spoolDir(), p.clock(),
                                        config.hostname()), p.sendingLimits(),
                                new DomainDnsApi(p.identity(), p.directory(), p.dkimKeys(), config.hostname(), dns,
                                        p.clock()));
                        webApp.register(routes);
                    }, config.http(), Api.STRICT_ROUTES);
            Optional<Relay> relay = config.outbound().relay().map(hop -> new Relay(hop,
                    RelayTrust.load(config.outbound().relayCa()),
                    RelayCredentialsFile.supplier(p.keysDir(), p.masterKeys()::get)));
            outbound = new OutboundDelivery(p.store(), p.policy(), p.outboundQueue(), inbound.intake(), dns,
                    config.outbound(), relay, inbound.spoolDir(), p.clock());
            smtp = new InboundSmtpServer(config.bind(), config.smtpPort(), inbound);
            SubmissionContext submissionContext = SubmissionContext.create(config.hostname(), config.smtp(),
                    config.submission(), submitter, p.identity().protocols(), p.identity().audit(),
                    inbound.tls().orElseThrow(), inbound.spoolDir(), p.clock());
            submission = new SubmissionServer(config.bind(), config.submissionPort(), submissionContext, false);
            submissions = new SubmissionServer(config.bind(), config.submissionsPort(), submissionContext, true);
            ImapContext imapContext = new ImapContext(config.hostname(), config.imap(),
                    ImapAuthenticator.of(p.identity().protocols()), p.mailboxes(),
                    Optional.of(new ImapContext.Tls(tls.sslContext(), tls.sslParameters())), p.clock());
            ImapServer.Connections imapConnections = new ImapServer.Connections();
            imap = new ImapServer(config.bind(), config.imapPort(), imapContext, false, imapConnections);
            imaps = new ImapServer(config.bind(), config.imapsPort(), imapContext, true, imapConnections);
            Map<String, Integer> ports = new LinkedHashMap<>();
            ports.put("smtp", smtp.start());
            ports.put("submission", submission.start());
            ports.put("submissions", submissions.start());
            ports.put("imap", imap.start());
            ports.put("imaps", imaps.start());
            ports.put("http", https.start());
            outbound.start();
            portsFile.write(ports);
            LOG.info("event=server.started backend={} hostname={} tls_sha256={}", postern.store().backendName(),
                    config.hostname(), tls.fingerprintSha256());
            warnUnsignedDomains(p);
            return new Server(lock, postern, portsFile, https, smtp, imap, imaps, submission, submissions, outbound,
                    ports);
        } catch (RuntimeException | IOException e) {
            if (outbound != null) {
                outbound.close();
            }
            if (submission != null) {
                submission.close();
            }
            if (submissions != null) {
                submissions.close();
            }
            if (imap != null) {
                imap.close();
            }
            if (imaps != null) {
                imaps.close();
            }
            if (smtp != null) {
                smtp.close();
            }
            if (https != null) {
                https.stop();
            }
            if (postern != null) {
                postern.close();
            }
            lock.close();
            throw e;
        }
    }

    private static InboundContext inboundContext(Config config, Postern p, TlsMaterial tls, DnsResolver dns)
            throws IOException {
        Path spool = config.dataDir().resolve("spool");
        OwnerOnlyFiles.createPrivateDirectory(spool);
        // Whatever a crash left here was never acknowledged and its key is gone: unreadable, so drop it.
        try (Stream<Path> leftovers = Files.list(spool)) {
            for (Path f : leftovers.toList()) {
                Files.deleteIfExists(f);
            }
        }
        Map<DomainName, SenderAuthentication.Mode> modes = new LinkedHashMap<>();
        config.dmarcMonitorDomains().forEach(d -> modes.put(DomainName.parse(d), SenderAuthentication.Mode.MONITOR));
        SenderAuthentication checks = new SenderAuthentication(
                SenderAuthentication.Settings.enforcing(config.hostname()).withRecipientDomainModes(modes),
                dns);
        return InboundContext.create(config.hostname(), config.smtp(), config.maxMessageBytes(), p.directory(),
                new Intake(p.localDelivery(), p.outboundQueue(), p.clock()), checks,
                Optional.of(new InboundContext.Tls(tls.sslContext(), tls.sslParameters())), spool, p.clock());
    }

    /** Listener name to bound port, as written to ports.json. */
    public Map<String, Integer> ports() {
        return Map.copyOf(ports);
    }

    public Postern postern() {
        return postern;
    }

    public void awaitStop() throws InterruptedException {
        stopped.await();
    }

    @Override
    public void close() {
        try {
            smtp.close();
            outbound.close();
            submission.close();
            submissions.close();
            imap.close();
            imaps.close();
            https.stop();
            portsFile.remove();
            postern.close();
            lock.close();
            LOG.info("event=server.stopped");
        } catch (IOException | RuntimeException e) {
            LOG.warn("event=server.stop_failed reason={}", e.toString());
        } finally {
            stopped.countDown();
        }
    }

    /** Mail from a hosted domain without an active DKIM key goes out unsigned: say so at start. */
    private static void warnUnsignedDomains(Postern p) {
        try {
            org.postern.access.Caller system = new org.postern.access.Caller.System("dkim");
            java.util.Set<DomainName> signed = new java.util.HashSet<>();
            p.dkimKeys().listAll(system).stream()
                    .filter(k -> k.state() == org.postern.store.DkimKeyState.ACTIVE)
                    .forEach(k -> signed.add(k.domain()));
            for (var d : p.directory().domains(system)) {
                if (!signed.contains(d.name())) {
                    LOG.warn("event=dkim.no_active_key domain={} hint=\"./postern dkim generate {}\"", d.name(), d.name());
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("event=dkim.status_check_failed reason={}", e.getClass().getSimpleName());
        }
    }

    /**
     * DANE trusts the AD bit of the resolver's answers; between a remote resolver and us anyone on
     * the path can set it, so DANE then protects nothing (RFC 7672 §2.1, as Postfix warns).
     */
    private static void warnIfDaneTrustsARemoteResolver(Config config) {
        if (!config.outbound().dane()) {
            return;
        }
        List<java.net.InetSocketAddress> servers =
                config.dnsServers().isEmpty() ? DnsResolver.systemServers() : config.dnsServers();
        for (java.net.InetSocketAddress server : servers) {
            if (!server.getAddress().isLoopbackAddress()) {
                LOG.warn("event=config.dane_remote_resolver server={} advice=\"outbound_dane trusts the DNSSEC AD bit of "
                        + "dns_servers; run a validating resolver on loopback (e.g. unbound on 127.0.0.1) or set "
                        + "outbound_dane=false\"", server.getAddress().getHostAddress());
            }
        }
    }
}
