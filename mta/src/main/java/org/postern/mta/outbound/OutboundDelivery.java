package org.postern.mta.outbound;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import org.postern.access.AccessPolicy;
import org.postern.access.Caller;
import org.postern.access.Scope;
import org.postern.codec.smtp.RemoteReply;
import org.postern.mail.directory.Recipient;
import org.postern.model.EmailAddress;
import org.postern.model.Redact;
import org.postern.model.SpecialUse;
import org.postern.mta.checks.DnsResolver;
import org.postern.mta.intake.Intake;
import org.postern.mta.intake.Spool;
import org.postern.store.MetadataStore;
import org.postern.store.queue.QueuedMessage;
import org.postern.store.queue.QueuedRecipient;
import org.postern.store.queue.RecipientState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The delivery workers: claim due recipients (leased, so two nodes never send the same one),
 * group them by destination domain, find the next hops, and deliver each group's messages over
 * one connection per hop, with at most {@code perDestination} connections to one domain and
 * {@code workers} in all, each on a virtual thread. 2xx: delivered. 4xx, a connection failure or
 * a DNS failure: deferred with exponential backoff. 5xx, an undeliverable domain, or a message
 * older than {@code maxQueueTime}: failed, and the sender gets a DSN in their INBOX through
 * {@link Intake}. A recipient pending longer than {@code delayNoticeAfter} gets one delay notice.
 */
public final class OutboundDelivery implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(OutboundDelivery.class);
    private static final Caller WORKER = new Caller.System("outbound-delivery");
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int CLAIM_BATCH = 200;
    private static final long MAX_DSN_BYTES = 1024 * 1024;
    private static final int MAX_TRACKED_DOMAINS = 10_000;

    private final MetadataStore store;
    private final OutboundQueue queue;
    private final Intake intake;
    private final OutboundSettings settings;
    private final RouteResolver routes;
    private final DnsResolver dns;
    private final MtaSts mtaSts;
    private final Optional<Relay> relay;
    private final Clock clock;
    private final Scope scope;
    private final Backoff backoff;
    private final java.nio.file.Path spoolDir;
    private final String node = "node-" + UUID.randomUUID();
    private final Semaphore workerPermits;
    private final Map<String, Semaphore> perDomain = new ConcurrentHashMap<>();
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final Object wake = new Object();
    private volatile boolean running;
    private Thread scheduler;

    public OutboundDelivery(MetadataStore store, AccessPolicy policy, OutboundQueue queue, Intake intake,
            DnsResolver dns, OutboundSettings settings, Optional<Relay> relay, java.nio.file.Path spoolDir,
            Clock clock) {
        this(store, policy, queue, intake, dns, MtaSts.standard(settings.connectTimeout(), clock), settings, relay,
                spoolDir, clock);
    }

    OutboundDelivery(MetadataStore store, AccessPolicy policy, OutboundQueue queue, Intake intake, DnsResolver dns,
            MtaSts mtaSts, OutboundSettings settings, Optional<Relay> relay, java.nio.file.Path spoolDir, Clock clock) {
        this.relay = relay;
        this.dns = dns;
        this.mtaSts = mtaSts;
        this.store = store;
        this.queue = queue;
        this.intake = intake;
        this.settings = settings;
        this.routes = new RouteResolver(dns, settings.transport(), relay.map(Relay::hop), settings.dane(),
                settings.mxPort());
        this.clock = clock;
        this.scope = policy.scopeFor(WORKER);
        this.backoff = new Backoff(settings.retryBase(), settings.retryMax());
        this.spoolDir = spoolDir;
        this.workerPermits = new Semaphore(settings.workers());
        queue.onEnqueue(this::wake);
    }

    public void start() {
        if (store.backendName().equals("sqlite")) {
            // One server per embedded database (server.lock): any lease left is a crashed run's.
            int released = store.inTransaction(tx -> tx.outboundQueue().releaseLeases(scope));
            if (released > 0) {
                LOG.info("event=outbound.leases_released recipients={}", released);
            }
        }
        running = true;
        scheduler = Thread.ofVirtual().name("outbound-scheduler").start(this::loop);
        LOG.info("event=outbound.started workers={} per_destination={} overrides={}", settings.workers(),
                settings.perDestination(), settings.transport().size());
    }

    /** Makes the scheduler look at the queue now. */
    public void wake() {
        synchronized (wake) {
            wake.notifyAll();
        }
    }

    private void loop() {
        while (running) {
            int claimed = 0;
            try {
                claimed = runOnce();
            } catch (RuntimeException e) {
                LOG.error("event=outbound.claim_failed reason={}", e.getClass().getSimpleName(), e);
            }
            if (claimed == 0 && running) {
                synchronized (wake) {
                    try {
                        wake.wait(settings.pollInterval().toMillis());
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }
        }
    }

    /** Claims what is due and hands each destination to a worker. @return how many recipients were claimed */
    int runOnce() {
        int free = workerPermits.availablePermits();
        if (free == 0) {
            return 0;
        }
        Instant now = clock.instant();
        List<QueuedRecipient> due = store.inTransaction(tx -> tx.outboundQueue().claimDue(scope, now, node,
                now.plus(settings.leaseTime()), CLAIM_BATCH));
        Map<String, List<QueuedRecipient>> byDomain = new LinkedHashMap<>();
        for (QueuedRecipient r : due) {
            byDomain.computeIfAbsent(r.recipient().domain().ascii(), d -> new ArrayList<>()).add(r);
        }
        for (var e : byDomain.entrySet()) {
            executor.submit(() -> deliverDomain(e.getKey(), e.getValue(), now));
        }
        return due.size();
    }

    private void deliverDomain(String domain, List<QueuedRecipient> recipients, Instant claimedAt) {
        if (perDomain.size() > MAX_TRACKED_DOMAINS) {
            // Bounded memory: forget idle destinations (a racing worker may briefly get a fresh
            // semaphore for one of them: one connection over the limit at worst, never unbounded).
            perDomain.values().removeIf(sem -> sem.availablePermits() == settings.perDestination());
        }
        Semaphore domainPermits = perDomain.computeIfAbsent(domain, d -> new Semaphore(settings.perDestination()));
        try {
            workerPermits.acquire();
            try {
                domainPermits.acquire();
                try {
                    // Waited so long for a permit that the lease may run out mid-delivery: leave these
                    // to be claimed afresh once it has, rather than risk sending them twice.
                    if (clock.instant().isAfter(claimedAt.plus(settings.leaseTime().dividedBy(2)))) {
                        LOG.info("event=outbound.claim_stale domain={} recipients={}", domain, recipients.size());
                        return;
                    }
                    new DomainDelivery(domain, recipients).run();
                } finally {
                    domainPermits.release();
                }
            } finally {
                workerPermits.release();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.error("event=outbound.worker_failed domain={} reason={}", domain, e.getClass().getSimpleName(), e);
        }
    }

    /** One destination's share of a claim: its messages, over one connection where possible. */
    private final class DomainDelivery {
        private final String domain;
        private final Map<java.util.UUID, List<QueuedRecipient>> byMessage = new LinkedHashMap<>();
        private SmtpClient client;
        private Route.Hop connectedHop;
        private boolean stsEnforced;
        private String connectFailure;

        DomainDelivery(String domain, List<QueuedRecipient> recipients) {
            this.domain = domain;
            recipients.forEach(r -> byMessage.computeIfAbsent(r.messageId(), k -> new ArrayList<>()).add(r));
        }

        void run() {
            Route route = withPolicy(routes.resolve(domain));
            try {
                for (var e : byMessage.entrySet()) {
                    Optional<QueuedMessage> message = store.inTransaction(tx -> tx.outboundQueue().message(scope, e.getKey()));
                    if (message.isEmpty()) {
                        continue; // deleted meanwhile
                    }
                    deliverMessage(message.get(), e.getValue(), route);
                }
            } finally {
                if (client != null) {
                    client.close();
                }
            }
        }

        private void deliverMessage(QueuedMessage m, List<QueuedRecipient> recipients, Route route) {
            Instant now = clock.instant();
            Map<QueuedRecipient, Outcome> outcomes = new LinkedHashMap<>();
            if (now.isAfter(m.expiresAt())) {
                recipients.forEach(r -> outcomes.put(r, Outcome.expired(r)));
            } else {
                switch (route) {
                    case Route.Undeliverable u -> recipients.forEach(r -> outcomes.put(r,
                            new Outcome(RecipientState.FAILED, status(u), u.reason(), null, false)));
                    case Route.TryLater t -> recipients.forEach(r -> outcomes.put(r,
                            new Outcome(RecipientState.DEFERRED, "4.4.3", t.reason(), null, false)));
                    case Route.Hops h -> outcomes.putAll(send(m, recipients, h));
                }
            }
            record(m, outcomes);
        }

        /**
         * MTA-STS (RFC 8461) for MX routes: in enforce mode only MX hosts the policy names are
         * used, over TLS with a verified certificate; testing and none change nothing. A host
         * with DANE keeps DANE and is never dropped by MTA-STS (RFC 8461 §2: MTA-STS must not
         * override DANE). Operator overrides are the operator's word and skip both.
         */
        private Route withPolicy(Route route) {
            if (!(route instanceof Route.Hops h) || settings.transport().containsKey(domain) || viaRelay()) {
                return route;
            }
            if (h.hops().stream().allMatch(hop -> hop.dane().isPresent())) {
                return route;
            }
            Optional<MtaStsPolicy> policy = mtaSts.policy(domain, dns.newSession());
            if (policy.isEmpty() || policy.get().mode() != MtaStsPolicy.Mode.ENFORCE) {
                return route;
            }
            stsEnforced = true;
            List<Route.Hop> allowed = h.hops().stream()
                    .filter(hop -> hop.dane().isPresent() || policy.get().allows(hop.host())).toList();
            return allowed.isEmpty() ? new Route.TryLater("no MX host matches the domain's MTA-STS policy")
                    : new Route.Hops(allowed);
        }

        /** True when this domain goes to the smarthost (no override of its own). */
        private boolean viaRelay() {
            return relay.isPresent() && !settings.transport().containsKey(domain);
        }

        private static String status(Route.Undeliverable u) {
            return u.reason().contains("null MX") ? "5.1.10" : "5.1.2";
        }

        private Map<QueuedRecipient, Outcome> send(QueuedMessage m, List<QueuedRecipient> recipients, Route.Hops h) {
            Map<QueuedRecipient, Outcome> outcomes = new LinkedHashMap<>();
            String lastError = "no address to connect to";
            boolean tlsRequired = stsEnforced || viaRelay() || settings.tlsRequiredDomains().contains(domain);
            for (int attempt = 0; attempt < 2; attempt++) {
                if (client == null && !connect(h, tlsRequired)) {
                    lastError = connectFailure != null ? connectFailure : "could not connect to any host for the domain";
                    break;
                }
                try (InputStream content = queue.open(m)) {
                    List<EmailAddress> rcpts = recipients.stream().map(QueuedRecipient::recipient).toList();
                    SmtpClient.Transaction t = client.send(m.envelopeFrom(), rcpts, content, m.size());
                    for (QueuedRecipient r : recipients) {
                        RemoteReply reply = t.outcome(r.recipient());
                        RecipientState state = reply.positive() ? RecipientState.DELIVERED
                                : reply.permanentFailure() ? RecipientState.FAILED : RecipientState.DEFERRED;
                        outcomes.put(r, new Outcome(state, Dsn.status(reply), reply.summary(), connectedHop.host(), true));
                    }
                    return outcomes;
                } catch (IOException | RuntimeException e) {
                    // A reused connection may have been closed by the server meanwhile: one fresh try.
                    lastError = describe(e);
                    closeClient();
                    if (e instanceof SmtpClient.SessionFailure f && f.reply().isPresent()) {
                        break;
                    }
                }
            }
            for (QueuedRecipient r : recipients) {
                // 4.7.5 (RFC 3463: cryptographic failure) when DANE refused the hosts, else "no answer from host".
                String status = lastError.startsWith("DANE") ? "4.7.5" : "4.4.1";
                outcomes.put(r, new Outcome(RecipientState.DEFERRED, status, lastError,
                        connectedHop == null ? null : connectedHop.host(), false));
            }
            return outcomes;
        }

        private boolean connect(Route.Hops h, boolean tlsRequired) {
            for (Route.Hop hop : h.hops()) {
                if (hop.dane().isPresent() && !viaRelay()) {
                    if (connectDane(hop, hop.dane().get())) {
                        return true;
                    }
                    continue;
                }
                SmtpClient.TlsMode mode = tlsRequired ? SmtpClient.TlsMode.REQUIRED_VERIFIED : SmtpClient.TlsMode.OPPORTUNISTIC;
                try {
                    client = open(hop, mode);
                    connectedHop = hop;
                    return true;
                } catch (SSLException e) {
                    if (!tlsRequired) {
                        // RFC 7435: a failed opportunistic handshake falls back to the clear, as Postfix does.
                        try {
                            client = open(hop, SmtpClient.TlsMode.NONE);
                            connectedHop = hop;
                            return true;
                        } catch (IOException | RuntimeException again) {
                            LOG.info("event=outbound.connect_failed domain={} host={} reason={}", domain, hop.host(),
                                    describe(again));
                        }
                    } else {
                        LOG.warn("event=outbound.tls_failed domain={} host={} reason={}", domain, hop.host(), describe(e));
                    }
                } catch (IOException | RuntimeException e) {
                    LOG.info("event=outbound.connect_failed domain={} host={} reason={}", domain, hop.host(), describe(e));
                }
            }
            return false;
        }

        /**
         * DANE (RFC 7672 §2.2): STARTTLS and a certificate matching the TLSA records, or no
         * delivery to this host; never the clear. A mismatch or a missing STARTTLS may be an
         * attack on the path, so it is logged as a security event (the host, never the mail).
         */
        private boolean connectDane(Route.Hop hop, DanePolicy policy) {
            try {
                client = SmtpClient.open(hop.address(), hop.host(), settings.heloName(), SmtpClient.TlsMode.DANE,
                        policy.context(clock), Optional.empty(), settings.connectTimeout(), settings.commandTimeout(),
                        settings.dataTimeout());
                connectedHop = hop;
                LOG.info("event=outbound.dane_verified domain={} host={} authenticated={}", domain, hop.host(),
                        policy.authenticates());
                return true;
            } catch (SSLException e) {
                daneFailed(hop, "TLS handshake failed: the certificate does not match the TLSA records, or no common TLS parameters");
            } catch (SmtpClient.SessionFailure e) {
                if (e.reply().isEmpty() || e.getMessage().contains("STARTTLS")) {
                    daneFailed(hop, e.getMessage());
                } else {
                    LOG.info("event=outbound.connect_failed domain={} host={} reason={}", domain, hop.host(), describe(e));
                }
            } catch (IOException | RuntimeException e) {
                LOG.info("event=outbound.connect_failed domain={} host={} reason={}", domain, hop.host(), describe(e));
            }
            return false;
        }

        private void daneFailed(Route.Hop hop, String reason) {
            connectFailure = "DANE: " + reason + " (" + hop.host() + ")";
            LOG.warn("event=security.dane_failed domain={} host={} address={} reason=\"{}\"", domain, hop.host(),
                    hop.address().getAddress().getHostAddress(), reason);
        }

        private SmtpClient open(Route.Hop hop, SmtpClient.TlsMode mode) throws IOException {
            if (viaRelay()) {
                // The smarthost: always verified TLS (never the clear fallback), and our credentials if set.
                return SmtpClient.open(hop.address(), hop.host(), settings.heloName(), SmtpClient.TlsMode.REQUIRED_VERIFIED,
                        relay.get().trust(), relay.get().credentials().get(), settings.connectTimeout(),
                        settings.commandTimeout(), settings.dataTimeout());
            }
            return SmtpClient.open(hop.address(), hop.host(), settings.heloName(), mode, settings.connectTimeout(),
                    settings.commandTimeout(), settings.dataTimeout());
        }

        private void closeClient() {
            if (client != null) {
                client.close();
                client = null;
            }
        }
    }

    /** What an attempt concluded for one recipient. */
    private record Outcome(RecipientState state, String status, String diagnostic, String remoteMta, boolean smtp) {
        static Outcome expired(QueuedRecipient r) {
            return new Outcome(RecipientState.FAILED, "4.4.7",
                    "delivery time expired" + r.lastReply().map(l -> "; last reply: " + l).orElse(""), null, false);
        }
    }

    /** Writes DSNs first (a DSN that cannot be stored leaves the recipients to be retried), then the outcomes. */
    private void record(QueuedMessage m, Map<QueuedRecipient, Outcome> outcomes) {
        Instant now = clock.instant();
        List<Dsn.RecipientReport> failed = new ArrayList<>();
        List<Dsn.RecipientReport> delayed = new ArrayList<>();
        Map<QueuedRecipient, Outcome> finalOutcomes = new LinkedHashMap<>();
        for (var e : outcomes.entrySet()) {
            QueuedRecipient r = e.getKey();
            Outcome o = e.getValue();
            if (o.state() == RecipientState.DEFERRED && !now.isBefore(m.expiresAt())) {
                o = new Outcome(RecipientState.FAILED, "4.4.7", "delivery time expired; last reply: " + o.diagnostic(),
                        o.remoteMta(), false);
            }
            finalOutcomes.put(r, o);
            Dsn.RecipientReport report = new Dsn.RecipientReport(r.recipient(),
                    o.state() == RecipientState.FAILED ? Dsn.Action.FAILED : Dsn.Action.DELAYED, o.status(),
                    Optional.ofNullable(o.remoteMta()), o.diagnostic(), o.smtp(), now);
            if (o.state() == RecipientState.FAILED) {
                failed.add(report);
            } else if (o.state() == RecipientState.DEFERRED && !r.delayNotified()
                    && !now.isBefore(m.createdAt().plus(settings.delayNoticeAfter()))) {
                delayed.add(report);
            }
        }
        boolean failedDsn = failed.isEmpty() || notify(m, failed, now);
        boolean delayDsn = !delayed.isEmpty() && notify(m, delayed, now);
        List<QueuedRecipient> updates = new ArrayList<>();
        for (var e : finalOutcomes.entrySet()) {
            QueuedRecipient r = e.getKey();
            Outcome o = e.getValue();
            RecipientState state = o.state();
            if (state == RecipientState.FAILED && !failedDsn) {
                state = RecipientState.DEFERRED; // the DSN could not be stored: try again, so it is not lost
            }
            Instant next = state == RecipientState.DEFERRED ? now.plus(backoff.after(r.attempts() + 1)) : now;
            boolean notified = r.delayNotified() || (delayDsn && delayed.stream().anyMatch(d -> d.recipient().equals(r.recipient())));
            updates.add(r.after(state, next, Dsn.oneLine(o.status() + " " + o.diagnostic()), notified));
            LOG.info("event=outbound.attempt queue_id={} rcpt={} state={} status={} attempts={} host={}", m.id(),
                    Redact.address(r.recipient()), state, o.status(), r.attempts() + 1,
                    o.remoteMta() == null ? "-" : o.remoteMta());
        }
        boolean pending = store.inTransaction(tx -> {
            for (QueuedRecipient u : updates) {
                tx.outboundQueue().recordAttempt(scope, u, node);
            }
            return tx.outboundQueue().recipients(scope, m.id()).stream().anyMatch(r -> r.state().pending());
        });
        if (!pending) {
            queue.finish(m);
            LOG.info("event=outbound.finished queue_id={}", m.id());
        }
    }

    /** Delivers a DSN into the sender's INBOX. @return false when it could not be stored */
    private boolean notify(QueuedMessage m, List<Dsn.RecipientReport> reports, Instant now) {
        byte[] random = new byte[16];
        RANDOM.nextBytes(random);
        try (Spool spool = new Spool(spoolDir, (int) MAX_DSN_BYTES)) {
            byte[] dsn;
            try (InputStream original = queue.open(m)) {
                dsn = Dsn.build(settings.heloName(), m.envelopeFrom(), m.createdAt(), now, Optional.of(m.expiresAt()),
                        reports, original, random);
            }
            try (var out = spool.output()) {
                out.write(dsn);
            }
            intake.deliver(List.of(new Intake.Copy(new Recipient(m.tenantId(), m.ownerId(), Optional.empty()),
                    SpecialUse.INBOX)), List.of(), h -> false, spool, MAX_DSN_BYTES * 2);
            LOG.info("event=outbound.dsn queue_id={} action={} recipients={}", m.id(), reports.getFirst().action(),
                    reports.size());
            return true;
        } catch (IOException | RuntimeException e) {
            LOG.error("event=outbound.dsn_failed queue_id={} reason={}", m.id(), e.getClass().getSimpleName(), e);
            return false;
        }
    }

    private static String describe(Exception e) {
        if (e instanceof SmtpClient.SessionFailure f) {
            return f.getMessage() + f.reply().map(r -> ": " + r.summary()).orElse("");
        }
        if (e instanceof ConnectException) {
            return "connection refused";
        }
        if (e instanceof java.net.SocketTimeoutException) {
            return "timed out";
        }
        return e.getClass().getSimpleName();
    }

    @Override
    public void close() {
        running = false;
        wake();
        if (scheduler != null) {
            scheduler.interrupt();
        }
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
