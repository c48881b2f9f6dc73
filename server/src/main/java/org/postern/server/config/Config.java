package org.postern.server.config;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Objects;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.postern.imap.ImapSettings;
import org.postern.server.http.HttpSettings;
import org.postern.mta.checks.DnsResolver;
import org.postern.mta.outbound.OutboundSettings;
import org.postern.smtp.SmtpSettings;
import org.postern.smtp.SubmissionSettings;

/**
 * Postern's validated configuration; build it with {@link ConfigLoader}. Every value here has
 * already been checked, so code that receives a {@code Config} need not re-validate it.
 * {@link #toString()} never shows {@code db_password} or {@code db_migration_password}.
 *
 * @param dataDir absolute, normalised data directory
 * @param configFile the file the values were read from, if any
 * @param bind the address listeners bind to (an IP literal; 0.0.0.0 or :: for all)
 * @param hostname lower-case DNS name of this server
 * @param dbUrl empty for the embedded SQLite database, else a {@code jdbc:postgresql://} URL
 * @param dbUser the PostgreSQL role Postern runs as (bound by row-level security)
 * @param dbMigrationUser the PostgreSQL role that owns the schema and migrates it, if separate
 * @param tlsCert operator's PEM certificate chain; present exactly when {@code tlsKey} is
 * @param tlsKey operator's PEM private key, checked to be owner-only
 * @param logFormat {@code plain} or {@code json}
 * @param logLevel {@code error}, {@code warn}, {@code info} or {@code debug}
 */
public record Config(
        Path dataDir,
        Optional<Path> configFile,
        InetAddress bind,
        String hostname,
        int smtpPort,
        int submissionPort,
        int submissionsPort,
        int imapPort,
        int imapsPort,
        int httpPort,
        Optional<String> dbUrl,
        Optional<String> dbUser,
        Optional<String> dbPassword,
        Optional<String> dbMigrationUser,
        Optional<String> dbMigrationPassword,
        Optional<Path> tlsCert,
        Optional<Path> tlsKey,
        String logFormat,
        String logLevel,
        long maxMessageBytes,
        long httpMaxRequestBytes,
        SmtpSettings smtp,
        List<InetSocketAddress> dnsServers,
        DnsResolver.CacheSettings dnsCache,
        Set<String> dmarcMonitorDomains,
        IdentityConfig identity,
        ImapSettings imap,
        SubmissionSettings submission,
        HttpSettings http, MailApiConfig mailApi, OutboundSettings outbound) {

    /** Name of the embedded database file inside the data directory. */
    public static final String EMBEDDED_DATABASE_FILE = "postern.db";

    public Config {
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(configFile, "configFile");
        Objects.requireNonNull(bind, "bind");
        Objects.requireNonNull(hostname, "hostname");
        Objects.requireNonNull(dbUrl, "dbUrl");
        Objects.requireNonNull(dbUser, "dbUser");
        Objects.requireNonNull(dbPassword, "dbPassword");
        Objects.requireNonNull(dbMigrationUser, "dbMigrationUser");
        Objects.requireNonNull(dbMigrationPassword, "dbMigrationPassword");
        Objects.requireNonNull(tlsCert, "tlsCert");
        Objects.requireNonNull(tlsKey, "tlsKey");
        Objects.requireNonNull(logFormat, "logFormat");
        Objects.requireNonNull(logLevel, "logLevel");
        Objects.requireNonNull(smtp, "smtp");
        Objects.requireNonNull(identity, "identity");
        Objects.requireNonNull(imap, "imap");
        Objects.requireNonNull(submission, "submission");
        Objects.requireNonNull(http, "http");
        Objects.requireNonNull(mailApi, "mailApi");
        Objects.requireNonNull(outbound, "outbound");
        Objects.requireNonNull(dnsCache, "dnsCache");
        dnsServers = List.copyOf(dnsServers);
        dmarcMonitorDomains = Set.copyOf(dmarcMonitorDomains);
        if (tlsCert.isPresent() != tlsKey.isPresent()) {
            throw new IllegalArgumentException("tls_cert and tls_key go together");
        }
    }

    /** True when Postern uses its embedded SQLite database rather than PostgreSQL. */
    public boolean embeddedDatabase() {
        return dbUrl.isEmpty();
    }

    /** The JDBC URL to open: the configured PostgreSQL URL or the embedded SQLite file. */
    public String jdbcUrl() {
        return dbUrl.orElseGet(() -> "jdbc:sqlite:" + embeddedDatabaseFile());
    }

    /** Where the embedded database lives (whether or not it is used). */
    public Path embeddedDatabaseFile() {
        return dataDir.resolve(EMBEDDED_DATABASE_FILE);
    }

    /** True when the operator supplied a certificate and key; false means a generated self-signed one. */
    public boolean operatorTls() {
        return tlsCert.isPresent();
    }

    @Override
    public String toString() {
        return "Config[dataDir=" + dataDir
                + ", configFile=" + configFile.map(Path::toString).orElse("(none)")
                + ", bind=" + bind.getHostAddress()
                + ", hostname=" + hostname
                + ", smtpPort=" + smtpPort
                + ", submissionPort=" + submissionPort
                + ", submissionsPort=" + submissionsPort
                + ", imapPort=" + imapPort
                + ", imapsPort=" + imapsPort
                + ", httpPort=" + httpPort
                + ", dbUrl=" + dbUrl.orElse("(embedded)")
                + ", dbUser=" + dbUser.orElse("(none)")
                + ", dbPassword=" + (dbPassword.isPresent() ? "[redacted]" : "(none)")
                + ", dbMigrationUser=" + dbMigrationUser.orElse("(none)")
                + ", dbMigrationPassword=" + (dbMigrationPassword.isPresent() ? "[redacted]" : "(none)")
                + ", tlsCert=" + tlsCert.map(Path::toString).orElse("(generated)")
                + ", tlsKey=" + tlsKey.map(Path::toString).orElse("(generated)")
                + ", logFormat=" + logFormat
                + ", logLevel=" + logLevel
                + ", maxMessageBytes=" + maxMessageBytes
                + ", httpMaxRequestBytes=" + httpMaxRequestBytes
                + ", smtp=" + smtp
                + ", dnsServers=" + dnsServers
                + ", dnsCache=" + dnsCache
                + ", dmarcMonitorDomains=" + dmarcMonitorDomains
                + ", imap=" + imap
                + ", submission=" + submission
                + ", http=" + http
                + ", mailApi=" + mailApi
                + ", outbound=" + outbound
                + "]";
    }
}
