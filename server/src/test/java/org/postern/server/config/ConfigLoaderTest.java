package org.postern.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
    private static final String STRONG_PASSWORD = "vT9#qLm2-xR7pWz4!Kd8";

    @TempDir
    Path tmp;
    Path dataDir;
    Path file;
    Map<String, String> env;

    @BeforeEach
    void setUp() throws IOException {
        dataDir = Files.createDirectory(tmp.resolve("data"));
        file = dataDir.resolve("postern.conf");
        env = new HashMap<>();
    }

    private Config load() {
        return new ConfigLoader(env, () -> "mail.example.org").load(Optional.of(dataDir), Optional.empty());
    }

    private void write(String... lines) throws IOException {
        Files.writeString(file, String.join("\n", lines) + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    }

    private String failure() {
        try {
            load();
        } catch (ConfigException e) {
            return e.getMessage();
        }
        throw new AssertionError("expected a ConfigException");
    }

    @Test
    void withoutAFileEveryKeyHasItsDefault() {
        Config c = load();

        assertThat(c.configFile()).isEmpty();
        assertThat(c.dataDir()).isEqualTo(dataDir.toAbsolutePath().normalize());
        assertThat(c.bind().getHostAddress()).isEqualTo("0.0.0.0");
        assertThat(c.hostname()).isEqualTo("mail.example.org");
        assertThat(c.smtpPort()).isEqualTo(25);
        assertThat(c.submissionPort()).isEqualTo(587);
        assertThat(c.submissionsPort()).isEqualTo(465);
        assertThat(c.imapPort()).isEqualTo(143);
        assertThat(c.imapsPort()).isEqualTo(993);
        assertThat(c.httpPort()).isEqualTo(8443);
        assertThat(c.embeddedDatabase()).isTrue();
        assertThat(c.jdbcUrl()).isEqualTo("jdbc:sqlite:" + dataDir.resolve("postern.db"));
        assertThat(c.dbUser()).isEmpty();
        assertThat(c.dbPassword()).isEmpty();
        assertThat(c.operatorTls()).isFalse();
        assertThat(c.logFormat()).isEqualTo("plain");
        assertThat(c.logLevel()).isEqualTo("info");
        assertThat(c.maxMessageBytes()).isEqualTo(36_700_160L);
        assertThat(c.httpMaxRequestBytes()).isEqualTo(1_048_576L);
    }

    @Test
    void plaintextImapLoginIsOffUnlessTheUnsafeSwitchSaysTrue() {
        assertThat(load().imap().unsafePlaintextLoginOnLoopback()).isFalse();
        assertThat(load().imap().limits().maxAppendBytes()).isEqualTo(36_700_160L);
        env.put("POSTERN_UNSAFE_IMAP_PLAINTEXT_LOGIN_ON_LOOPBACK", "true");
        assertThat(load().imap().unsafePlaintextLoginOnLoopback()).isTrue();
        env.put("POSTERN_UNSAFE_IMAP_PLAINTEXT_LOGIN_ON_LOOPBACK", "yes");
        assertThat(failure()).contains("unsafe_imap_plaintext_login_on_loopback");
    }

    @Test
    void daneIsOnByDefaultAndTheMxPortIs25UnlessSetWithinBounds() {
        assertThat(load().outbound().dane()).isTrue();
        assertThat(load().outbound().mxPort()).isEqualTo(25);
        env.put("POSTERN_OUTBOUND_DANE", "false");
        env.put("POSTERN_OUTBOUND_MX_PORT", "2525");
        assertThat(load().outbound().dane()).isFalse();
        assertThat(load().outbound().mxPort()).isEqualTo(2525);
        env.put("POSTERN_OUTBOUND_DANE", "maybe");
        assertThat(failure()).contains("outbound_dane");
        env.put("POSTERN_OUTBOUND_DANE", "true");
        env.put("POSTERN_OUTBOUND_MX_PORT", "0");
        assertThat(failure()).contains("outbound_mx_port");
        env.put("POSTERN_OUTBOUND_MX_PORT", "65536");
        assertThat(failure()).contains("outbound_mx_port");
    }

    @Test
    void imapConnectionLimitsAreConfigurableAndBounded() {
        assertThat(load().imap().maxConnections()).isEqualTo(2000);
        assertThat(load().imap().maxConnectionsPerIp()).isEqualTo(50);
        env.put("POSTERN_IMAP_MAX_CONNECTIONS", "12000");
        env.put("POSTERN_IMAP_MAX_CONNECTIONS_PER_IP", "11000");
        assertThat(load().imap().maxConnections()).isEqualTo(12000);
        assertThat(load().imap().maxConnectionsPerIp()).isEqualTo(11000);
        env.put("POSTERN_IMAP_MAX_CONNECTIONS_PER_IP", "0");
        assertThat(failure()).contains("imap_max_connections_per_ip");
    }

    @Test
    void theFileInTheDataDirectoryIsReadWithCommentsBlankLinesAndQuotes() throws IOException {
        write("# Postern", "", "smtp_port = 2525", "  hostname=MX.Example.ORG.  ", "log_format = \"json\"",
                "max_message_bytes = 10MiB", "bind = ::1");

        Config c = load();

        assertThat(c.configFile()).contains(file);
        assertThat(c.smtpPort()).isEqualTo(2525);
        assertThat(c.hostname()).isEqualTo("mx.example.org");
        assertThat(c.logFormat()).isEqualTo("json");
        assertThat(c.maxMessageBytes()).isEqualTo(10L * 1024 * 1024);
        assertThat(c.bind()).isEqualTo(InetAddress.ofLiteral("::1"));
    }

    @Test
    void windowsLineEndingsAndAByteOrderMarkAreAccepted() throws IOException {
        Files.writeString(file, "\uFEFFsmtp_port = 2525\r\nimap_port = 1143\r\n");

        assertThat(load().imapPort()).isEqualTo(1143);
    }

    @Test
    void anUnknownKeyIsRefusedNamingTheKeyAndTheLine() throws IOException {
        write("smtp_port = 2525", "smpt_port = 25");

        assertThat(failure()).contains("unknown key 'smpt_port'").contains(file + ":2");
    }

    @Test
    void aDuplicateKeyIsRefusedNamingBothLines() throws IOException {
        write("imap_port = 1143", "", "imap_port = 1144");

        assertThat(failure()).contains("duplicate key 'imap_port'").contains(file + ":3").contains("line 1");
    }

    @Test
    void aKeyThatIsNotLowerSnakeCaseIsRefused() throws IOException {
        write("SMTP_PORT = 25");

        assertThat(failure()).contains(file + ":1").contains("lower_snake_case");
    }

    @Test
    void aLineWithoutAnEqualsSignIsRefused() throws IOException {
        write("smtp_port 25");

        assertThat(failure()).contains(file + ":1").contains("key = value");
    }

    @Test
    void aBadValueIsRefusedNamingTheKeyAndLine() throws IOException {
        write("log_level = verbose");

        assertThat(failure()).contains("log_level").contains(file + ":1").contains("debug, error, info, warn");
    }

    @Test
    void portsOutsideZeroTo65535AreRefused() throws IOException {
        write("smtp_port = 70000", "imap_port = -1", "http_port = 8o80");

        assertThat(failure()).contains("smtp_port").contains("imap_port").contains("http_port").contains("0 to 65535");
    }

    @Test
    void portZeroMeansAnyFreePortAndMayRepeat() throws IOException {
        write("smtp_port = 0", "imap_port = 0", "http_port = 0");

        Config c = load();

        assertThat(c.smtpPort()).isZero();
        assertThat(c.httpPort()).isZero();
    }

    @Test
    void twoListenersOnTheSamePortAreRefused() throws IOException {
        write("http_port = 993");

        assertThat(failure()).contains("imaps_port and http_port are both set to port 993");
    }

    @Test
    void spacesInAnUnquotedValueAreRefusedButQuotedValuesKeepThem() throws IOException {
        write("db_user = post ern");
        assertThat(failure()).contains("db_user").contains("double quotes");

        write("db_url = jdbc:postgresql://db/postern", "db_user = \"post \\\"e\\\\rn\"");
        assertThat(load().dbUser()).contains("post \"e\\rn");
    }

    @Test
    void anUnterminatedQuoteIsRefused() throws IOException {
        write("hostname = \"mx.example.org");

        assertThat(failure()).contains("hostname").contains("unterminated");
    }

    @Test
    void environmentVariablesWinOverTheFile() throws IOException {
        write("smtp_port = 2525", "log_level = debug");
        env.put("POSTERN_SMTP_PORT", "2626");
        env.put("POSTERN_HOSTNAME", "env.example.org");

        Config c = load();

        assertThat(c.smtpPort()).isEqualTo(2626);
        assertThat(c.logLevel()).isEqualTo("debug");
        assertThat(c.hostname()).isEqualTo("env.example.org");
    }

    @Test
    void aBadEnvironmentValueNamesTheVariableAndTheKey() {
        env.put("POSTERN_HTTP_PORT", "https");

        assertThat(failure()).contains("environment variable POSTERN_HTTP_PORT").contains("http_port");
    }

    @Test
    void anUnknownPosternEnvironmentVariableIsRefused() {
        env.put("POSTERN_SMTP_PROT", "25");

        assertThat(failure()).contains("POSTERN_SMTP_PROT").contains("not a Postern setting");
    }

    @Test
    void launcherAndTestVariablesAreAllowed() throws IOException {
        Path elsewhere = tmp.resolve("elsewhere.conf");
        Files.writeString(elsewhere, "imap_port = 1143\n");
        env.put("POSTERN_JAVA_OPTS", "-Xmx1g");
        env.put("POSTERN_JAVA_HOME", "/opt/jdk");
        env.put("POSTERN_TEST_ANYTHING", "x");
        env.put("POSTERN_CONFIG", elsewhere.toString());
        env.put("POSTERN_DATA_DIR", dataDir.toString());
        env.put("PATH", "/usr/bin");

        Config c = new ConfigLoader(env, () -> "mail.example.org").load(Optional.empty(), Optional.empty());

        assertThat(c.imapPort()).isEqualTo(1143);
        assertThat(c.configFile()).contains(elsewhere.toAbsolutePath());
        assertThat(c.dataDir()).isEqualTo(dataDir.toAbsolutePath());
    }

    @Test
    void theConfigOptionWinsOverPosternConfigAndAMissingNamedFileIsRefused() throws IOException {
        Path named = tmp.resolve("named.conf");
        Files.writeString(named, "imap_port = 1200\n");
        env.put("POSTERN_CONFIG", tmp.resolve("missing.conf").toString());

        Config c = new ConfigLoader(env, () -> "x.example").load(Optional.of(dataDir), Optional.of(named));
        assertThat(c.imapPort()).isEqualTo(1200);

        assertThatThrownBy(() -> new ConfigLoader(env, () -> "x.example").load(Optional.of(dataDir), Optional.empty()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("missing.conf");
    }

    @Test
    void aNamedFileMaySetTheDataDirectoryRelativeToItself() throws IOException {
        Path named = tmp.resolve("etc/postern.conf");
        Files.createDirectories(named.getParent());
        Files.writeString(named, "data_dir = ../var/postern\n");

        Config c = new ConfigLoader(Map.of(), () -> "x.example").load(Optional.empty(), Optional.of(named));

        assertThat(c.dataDir()).isEqualTo(tmp.resolve("var/postern").toAbsolutePath().normalize());
    }

    @Test
    void aFileFoundInsideTheDataDirectoryCannotMoveTheDataDirectory() throws IOException {
        write("data_dir = /somewhere/else");

        assertThat(failure()).contains("data_dir").contains("--config");
    }

    @Test
    void theDataDirOptionWinsOverPosternDataDir() {
        env.put("POSTERN_DATA_DIR", tmp.resolve("other").toString());

        assertThat(load().dataDir()).isEqualTo(dataDir.toAbsolutePath());
    }

    @Test
    void aWeakDatabasePasswordIsRefusedNamingTheKeyButNotTheValue() {
        env.put("POSTERN_DB_URL", "jdbc:postgresql://db.internal:5432/postern");
        env.put("POSTERN_DB_USER", "postern");
        env.put("POSTERN_DB_PASSWORD", "correcthorsebatterystaple");

        String message = failure();

        assertThat(message).contains("db_password").contains("POSTERN_DB_PASSWORD").contains("well-known")
                .doesNotContain("correcthorse");
    }

    @Test
    void aShortDatabasePasswordInTheFileIsRefusedWithoutEchoingIt() throws IOException {
        write("db_url = jdbc:postgresql://db/postern", "db_password = Tr0ub4dor&3");

        String message = failure();

        assertThat(message).contains("db_password").contains(file + ":2").contains("shorter")
                .doesNotContain("Tr0ub4dor");
    }

    @Test
    void aStrongDatabasePasswordIsAcceptedAndNeverPrinted() throws IOException {
        write("db_url = jdbc:postgresql://db/postern", "db_user = postern", "db_password = \"" + STRONG_PASSWORD + "\"");

        Config c = load();

        assertThat(c.dbPassword()).contains(STRONG_PASSWORD);
        assertThat(c.embeddedDatabase()).isFalse();
        assertThat(c.jdbcUrl()).isEqualTo("jdbc:postgresql://db/postern");
        assertThat(c.toString()).doesNotContain(STRONG_PASSWORD).contains("dbPassword=[redacted]");
    }

    @Test
    void aDatabasePasswordInAFileOthersCanReadIsRefused() throws IOException {
        write("db_url = jdbc:postgresql://db/postern", "db_password = \"" + STRONG_PASSWORD + "\"");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));

        assertThat(failure()).contains("db_password").contains("chmod 600").doesNotContain(STRONG_PASSWORD);
    }

    @Test
    void aWeakMigrationPasswordIsRefusedNamingTheKeyButNotTheValue() {
        env.put("POSTERN_DB_URL", "jdbc:postgresql://db.internal:5432/postern");
        env.put("POSTERN_DB_USER", "postern_app");
        env.put("POSTERN_DB_MIGRATION_USER", "postern_owner");
        env.put("POSTERN_DB_MIGRATION_PASSWORD", "correcthorsebatterystaple");

        assertThat(failure()).contains("db_migration_password").contains("POSTERN_DB_MIGRATION_PASSWORD")
                .contains("well-known").doesNotContain("correcthorse");
    }

    @Test
    void aMigrationRoleIsReadWithItsPasswordNeverPrinted() throws IOException {
        write("db_url = jdbc:postgresql://db/postern", "db_user = postern_app", "db_migration_user = postern_owner",
                "db_migration_password = \"" + STRONG_PASSWORD + "\"");

        Config c = load();

        assertThat(c.dbUser()).contains("postern_app");
        assertThat(c.dbMigrationUser()).contains("postern_owner");
        assertThat(c.dbMigrationPassword()).contains(STRONG_PASSWORD);
        assertThat(c.toString()).doesNotContain(STRONG_PASSWORD).contains("dbMigrationPassword=[redacted]");
    }

    @Test
    void aMigrationPasswordInAFileOthersCanReadIsRefused() throws IOException {
        write("db_url = jdbc:postgresql://db/postern", "db_migration_user = owner",
                "db_migration_password = \"" + STRONG_PASSWORD + "\"");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));

        assertThat(failure()).contains("db_migration_password").contains("chmod 600")
                .contains("POSTERN_DB_MIGRATION_PASSWORD").doesNotContain(STRONG_PASSWORD);
    }

    @Test
    void theMigrationRoleMustNotBeTheRuntimeRole() {
        env.put("POSTERN_DB_URL", "jdbc:postgresql://db/postern");
        env.put("POSTERN_DB_USER", "postern");
        env.put("POSTERN_DB_MIGRATION_USER", "postern");

        assertThat(failure()).contains("db_migration_user must be another role than db_user");
    }

    @Test
    void migrationCredentialsWithoutADatabaseUrlAreRefused() {
        env.put("POSTERN_DB_MIGRATION_USER", "postern_owner");

        assertThat(failure()).contains("db_migration_user is set but db_url is empty");
    }

    @Test
    void databaseCredentialsWithoutADatabaseUrlAreRefused() {
        env.put("POSTERN_DB_PASSWORD", STRONG_PASSWORD);

        assertThat(failure()).contains("db_password is set but db_url is empty").doesNotContain(STRONG_PASSWORD);
    }

    @Test
    void onlyPostgresUrlsWithoutPasswordsAreAccepted() throws IOException {
        write("db_url = jdbc:mysql://db/postern");
        assertThat(failure()).contains("db_url").contains("jdbc:postgresql://");

        write("db_url = jdbc:postgresql://db/postern?user=x&password=hunter2hunter2hunter2");
        assertThat(failure()).contains("db_url must not carry a password").doesNotContain("hunter2");
    }

    @Test
    void aCertificateWithoutAKeyIsRefused() throws IOException {
        Path cert = Files.writeString(tmp.resolve("cert.pem"), "x");
        write("tls_cert = " + cert);

        assertThat(failure()).contains("tls_cert is set without tls_key");
    }

    @Test
    void aKeyWithoutACertificateIsRefused() throws IOException {
        Path key = Files.writeString(tmp.resolve("key.pem"), "x");
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
        env.put("POSTERN_TLS_KEY", key.toString());

        assertThat(failure()).contains("POSTERN_TLS_KEY").contains("tls_key is set without tls_cert");
    }

    @Test
    void tlsPathsInAFileAreRelativeToTheFileAndTheKeyMustBeOwnerOnly() throws IOException {
        Files.writeString(dataDir.resolve("cert.pem"), "x");
        Path key = Files.writeString(dataDir.resolve("key.pem"), "x");
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
        write("tls_cert = cert.pem", "tls_key = key.pem");

        Config c = load();
        assertThat(c.tlsCert()).contains(dataDir.resolve("cert.pem").toAbsolutePath());
        assertThat(c.tlsKey()).contains(key.toAbsolutePath());
        assertThat(c.operatorTls()).isTrue();

        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r-----"));
        assertThat(failure()).contains("tls_key").contains("owner only");
    }

    @Test
    void aMissingCertificateFileIsRefused() throws IOException {
        write("tls_cert = nowhere.pem", "tls_key = nokey.pem");

        assertThat(failure()).contains("tls_cert").contains("not a readable file");
    }

    @Test
    void bindAcceptsIpLiteralsOnly() throws IOException {
        for (String ok : new String[] {"127.0.0.1", "::", "[::1]", "0.0.0.0", "2001:db8::25"}) {
            env.put("POSTERN_BIND", ok);
            assertThat(load().bind()).isNotNull();
        }
        env.put("POSTERN_BIND", "localhost");
        assertThat(failure()).contains("bind").contains("literal");
        env.put("POSTERN_BIND", "224.0.0.1");
        assertThat(failure()).contains("bind");
    }

    @Test
    void hostnameMustBeADnsName() {
        env.put("POSTERN_HOSTNAME", "mail_server!");
        assertThat(failure()).contains("hostname");

        env.put("POSTERN_HOSTNAME", "192.0.2.1");
        assertThat(failure()).contains("hostname");

        env.put("POSTERN_HOSTNAME", "localhost");
        assertThat(load().hostname()).isEqualTo("localhost");
    }

    @Test
    void anUnusableMachineHostnameFallsBackToLocalhost() {
        Config c = new ConfigLoader(env, () -> "10.0.0.7").load(Optional.of(dataDir), Optional.empty());

        assertThat(c.hostname()).isEqualTo("localhost");
    }

    @Test
    void sizesAreBoundedBetweenOneKibibyteAndOneGibibyte() throws IOException {
        write("max_message_bytes = 512");
        assertThat(failure()).contains("max_message_bytes").contains("1 KiB to 1 GiB");

        write("http_max_request_bytes = 2GiB");
        assertThat(failure()).contains("http_max_request_bytes");

        write("http_max_request_bytes = 99999999999999999999");
        assertThat(failure()).contains("http_max_request_bytes");

        write("http_max_request_bytes = 64KiB", "max_message_bytes = 1GiB");
        assertThat(load().httpMaxRequestBytes()).isEqualTo(65_536L);
    }

    @Test
    void httpRateLimitsAndCorsOriginsHaveDefaultsAndAreChecked() throws IOException {
        assertThat(load().http()).isEqualTo(org.postern.server.http.HttpSettings.DEFAULT);
        assertThat(load().http().corsOrigins()).isEmpty();

        write("http_cors_origins = https://app.example.org,https://Web.Example.org:8443",
                "http_rate_user_per_second = 5", "http_rate_user_burst = 2", "http_rate_sign_in_per_minute = 3");
        Config c = load();
        assertThat(c.http().corsOrigins()).containsExactlyInAnyOrder("https://app.example.org", "https://web.example.org:8443");
        assertThat(c.http().userRate()).isEqualTo(5);
        assertThat(c.http().userBurst()).isEqualTo(2);
        assertThat(c.http().signInPerMinute()).isEqualTo(3);

        write("http_cors_origins = *");
        assertThat(failure()).contains("http_cors_origins");
        write("http_cors_origins = https://app.example.org/path");
        assertThat(failure()).contains("http_cors_origins");
        write("http_cors_origins = http://app.example.org");
        assertThat(failure()).contains("http_cors_origins");
        write("http_rate_ip_burst = 0");
        assertThat(failure()).contains("http_rate_ip_burst");
    }

    @Test
    void aFileThatIsNotUtf8IsRefused() throws IOException {
        Files.write(file, new byte[] {'h', 'o', 's', 't', 'n', 'a', 'm', 'e', '=', (byte) 0xff});

        assertThat(failure()).contains(file.toString()).contains("UTF-8");
    }

    @Test
    void anOversizedFileIsRefused() throws IOException {
        Files.writeString(file, "#".repeat(ConfigLoader.MAX_FILE_BYTES + 1));

        assertThat(failure()).contains("larger than");
    }

    @Test
    void anUnreadableFileIsRefusedNamingIt() throws IOException {
        Files.createDirectory(tmp.resolve("dir.conf"));

        assertThatThrownBy(() -> new ConfigLoader(env, () -> "x.example").load(Optional.of(dataDir),
                Optional.of(tmp.resolve("dir.conf"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("dir.conf");
    }

    @Test
    void controlCharactersInValuesAreRefused() throws IOException {
        Files.write(file, "hostname = \"mx\u0007.example.org\"\n".getBytes(StandardCharsets.UTF_8));

        assertThat(failure()).contains("control character");
    }

    @Test
    void severalProblemsAreReportedTogether() throws IOException {
        write("smtp_port = x", "log_format = xml");

        assertThat(failure()).contains("2 configuration problems").contains("smtp_port").contains("log_format");
    }

    @Test
    void smtpLimitsDnsServersAndDmarcDomainsAreReadAndBounded() throws IOException {
        assertThat(load().smtp()).isEqualTo(org.postern.smtp.SmtpSettings.DEFAULT);
        assertThat(load().dnsServers()).isEmpty();
        write("smtp_max_recipients = 5", "smtp_idle_timeout = 90s", "smtp_recipient_check_timeout = 250ms",
                "dns_servers = 127.0.0.1:5353,[::1]", "dmarc_monitor_domains = Example.ORG,other.example",
                "smtp_messages_per_minute_by_domain = big.example=6000,small.example=60");
        Config c = load();
        assertThat(c.smtp().maxRecipients()).isEqualTo(5);
        assertThat(c.smtp().idleTimeout()).isEqualTo(java.time.Duration.ofSeconds(90));
        assertThat(c.smtp().recipientCheckTimeout()).isEqualTo(java.time.Duration.ofMillis(250));
        assertThat(c.dnsServers()).extracting(a -> a.getAddress().getHostAddress() + "/" + a.getPort())
                .containsExactly("127.0.0.1/5353", "0:0:0:0:0:0:0:1/53");
        assertThat(c.dmarcMonitorDomains()).containsExactlyInAnyOrder("example.org", "other.example");
        assertThat(c.smtp().messagesPerMinuteByDomain()).containsEntry("big.example", 6000).containsEntry("small.example", 60);
    }

    @Test
    void outOfRangeSmtpSettingsAreNamed() throws IOException {
        env.put("POSTERN_SMTP_MAX_RECIPIENTS", "0");
        env.put("POSTERN_SMTP_IDLE_TIMEOUT", "2d");
        env.put("POSTERN_DNS_SERVERS", "dns.example:53");
        String message = failure();
        assertThat(message).contains("smtp_max_recipients").contains("smtp_idle_timeout").contains("dns_servers");
    }

    @Test
    void theDnsCacheIsBoundedAndItsTtlClampOrdered() throws IOException {
        assertThat(load().dnsCache()).isEqualTo(org.postern.mta.checks.DnsResolver.CacheSettings.defaults());
        write("dns_cache_max_entries = 500", "dns_cache_min_ttl = 5s", "dns_cache_max_ttl = 10m");
        assertThat(load().dnsCache()).isEqualTo(new org.postern.mta.checks.DnsResolver.CacheSettings(500,
                java.time.Duration.ofSeconds(5), java.time.Duration.ofMinutes(10)));
        env.put("POSTERN_DNS_CACHE_MAX_ENTRIES", "-1");
        assertThat(failure()).contains("dns_cache_max_entries");
        env.remove("POSTERN_DNS_CACHE_MAX_ENTRIES");
        env.put("POSTERN_DNS_CACHE_MIN_TTL", "20m");
        assertThat(failure()).contains("dns_cache_min_ttl must not be longer than dns_cache_max_ttl");
    }
}
