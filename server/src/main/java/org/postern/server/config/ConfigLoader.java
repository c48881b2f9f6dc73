package org.postern.server.config;

import java.io.IOException;
import java.io.InputStream;
import java.net.IDN;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.postern.crypto.KeyFileException;
import org.postern.crypto.OwnerOnlyFiles;
import org.postern.crypto.SecretStrength;
import org.postern.imap.ImapSettings;
import org.postern.server.http.HttpSettings;
import org.postern.mta.checks.DnsResolver;
import org.postern.mta.outbound.NextHop;
import org.postern.mta.outbound.OutboundSettings;
import org.postern.smtp.SmtpSettings;
import org.postern.smtp.SubmissionSettings;

/**
 * Reads Postern's one configuration file and the {@code POSTERN_<KEY>} environment overrides into
 * a validated {@link Config}, refusing anything it does not understand.
 *
 * <p>File format: UTF-8 lines of {@code key = value}; blank lines and lines starting with
 * {@code #} are ignored; keys are lower_snake_case and may appear once; a value containing spaces
 * is written in double quotes ({@code "a b"}, with {@code \"} and {@code \\} as the only escapes).
 * An environment variable {@code POSTERN_<KEY>} wins over the file. Unknown keys, unknown
 * {@code POSTERN_*} variables (other than {@link ConfigReference#LAUNCHER_VARIABLES} and
 * {@code POSTERN_TEST_*}), duplicate keys, bad values and unreadable files all raise a
 * {@link ConfigException} naming the key and where it was set; secret values are never echoed.
 *
 * <p>Where the file is: {@code --config FILE}, else {@code POSTERN_CONFIG}, else
 * {@code <data dir>/postern.conf} if it exists, else there is none and defaults apply. The data
 * directory is {@code --data-dir}, else {@code POSTERN_DATA_DIR}, else {@code data_dir} from an
 * explicitly named file, else {@code ./data}.
 */
public final class ConfigLoader {
    /** A configuration file larger than this is refused rather than read. */
    public static final int MAX_FILE_BYTES = 64 * 1024;

    static final long MIN_SIZE_LIMIT = 1024L;
    static final long MAX_SIZE_LIMIT = 1024L * 1024 * 1024;
    private static final int MAX_VALUE_CHARS = 4096;

    private static final Pattern KEY = Pattern.compile("[a-z][a-z0-9]*(_[a-z0-9]+)*");
    private static final Pattern ENV_NAME = Pattern.compile("POSTERN_[A-Za-z0-9_]*");
    private static final Pattern DURATION = Pattern.compile("([0-9]{1,9})\\s*(ms|s|m|h)");
    private static final Pattern HOST_PORT =
            Pattern.compile("(?:\\[([0-9A-Fa-f:.]+)\\]|([0-9.]+|[0-9A-Fa-f:]*:[0-9A-Fa-f:.]*))(?::([0-9]{1,5}))?");
    private static final Pattern SIZE = Pattern.compile("([0-9]{1,19})\\s*(KiB|MiB|GiB)?");
    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
    private static final Set<String> LOG_FORMATS = Set.of("plain", "json");
    private static final Set<String> LOG_LEVELS = Set.of("error", "warn", "info", "debug");

    /** A raw value and where it came from, for error messages. */
    private record Setting(String key, String value, String where, Path base) {}

    private final Map<String, String> env;
    private final Supplier<String> defaultHostname;
    private final Path workingDirectory;

    /** A loader reading overrides from {@code env} and defaulting the host name to this machine's. */
    public ConfigLoader(Map<String, String> env) {
        this(env, ConfigLoader::machineHostname);
    }

    /** As {@link #ConfigLoader(Map)}, with the default host name supplied (for tests). */
    public ConfigLoader(Map<String, String> env, Supplier<String> defaultHostname) {
        this.env = Map.copyOf(env);
        this.defaultHostname = defaultHostname;
        this.workingDirectory = Path.of("").toAbsolutePath();
    }

    /** A loader over this process's environment. */
    public static ConfigLoader fromSystemEnvironment() {
        return new ConfigLoader(System.getenv());
    }

    /**
     * Loads and validates the configuration.
     *
     * @param dataDirFlag the {@code --data-dir} option, if given
     * @param configFileFlag the {@code --config} option, if given
     * @throws ConfigException naming the first problem's key and where it was set, and any others
     */
    public Config load(Optional<Path> dataDirFlag, Optional<Path> configFileFlag) {
        List<String> problems = new ArrayList<>();
        checkEnvironment(problems);
        throwIfAny(problems);

        Optional<Path> explicitFile = configFileFlag.map(this::absolute)
                .or(() -> envPath("POSTERN_CONFIG", problems));
        Optional<Setting> earlyDataDir = dataDirFlag
                .map(p -> new Setting(ConfigReference.DATA_DIR, p.toString(), "--data-dir", workingDirectory))
                .or(() -> envSetting(ConfigReference.DATA_DIR));
        throwIfAny(problems);

        Path provisionalDataDir = earlyDataDir.map(s -> resolvePath(s, problems)).orElseGet(() -> absolute(Path.of("data")));
        throwIfAny(problems);
        Optional<Path> file = explicitFile.or(() -> {
            Path candidate = provisionalDataDir.resolve(ConfigReference.DEFAULT_FILE_NAME);
            return Files.exists(candidate) ? Optional.of(candidate) : Optional.empty();
        });

        Map<String, Setting> settings = new LinkedHashMap<>();
        file.ifPresent(f -> parseFile(f, settings, problems));
        throwIfAny(problems);

        Path dataDir = decideDataDir(earlyDataDir, settings.get(ConfigReference.DATA_DIR), explicitFile.isPresent(),
                provisionalDataDir, problems);
        for (ConfigReference.Entry entry : ConfigReference.entries()) {
            envSetting(entry.key()).ifPresent(s -> settings.put(entry.key(), s));
        }
        settings.remove(ConfigReference.DATA_DIR);

        Config config = build(dataDir, file, settings, problems);
        throwIfAny(problems);
        return config;
    }

    // ---- environment -------------------------------------------------------------------------

    private void checkEnvironment(List<String> problems) {
        env.keySet().stream().sorted().forEach(name -> {
            if (!name.startsWith(ConfigReference.ENV_PREFIX)
                    || name.startsWith(ConfigReference.TEST_ENV_PREFIX)
                    || ConfigReference.LAUNCHER_VARIABLES.contains(name)) {
                return;
            }
            String key = name.substring(ConfigReference.ENV_PREFIX.length()).toLowerCase(Locale.ROOT);
            if (!ENV_NAME.matcher(name).matches() || !name.equals(name.toUpperCase(Locale.ROOT))
                    || ConfigReference.entry(key).isEmpty()) {
                problems.add("environment variable " + printable(name) + " is not a Postern setting (known: POSTERN_<KEY> for "
                        + "the keys in the configuration reference, and " + String.join(", ", sorted(ConfigReference.LAUNCHER_VARIABLES))
                        + ", POSTERN_TEST_*)");
            }
        });
    }

    private Optional<Setting> envSetting(String key) {
        String name = ConfigReference.ENV_PREFIX + key.toUpperCase(Locale.ROOT);
        String value = env.get(name);
        if (value == null) {
            return Optional.empty();
        }
        String cleaned = key.equals(ConfigReference.DB_PASSWORD) || key.equals(ConfigReference.DB_MIGRATION_PASSWORD)
                ? value : value.strip();
        return Optional.of(new Setting(key, cleaned, "environment variable " + name, workingDirectory));
    }

    private Optional<Path> envPath(String name, List<String> problems) {
        String value = env.get(name);
        if (value == null) {
            return Optional.empty();
        }
        if (value.isBlank()) {
            problems.add("environment variable " + name + " is set but empty");
            return Optional.empty();
        }
        try {
            return Optional.of(absolute(Path.of(value.strip())));
        } catch (InvalidPathException e) {
            problems.add("environment variable " + name + " is not a valid path");
            return Optional.empty();
        }
    }

    // ---- file --------------------------------------------------------------------------------

    private void parseFile(Path file, Map<String, Setting> settings, List<String> problems) {
        String text;
        try {
            text = readSmallUtf8(file);
        } catch (ConfigException e) {
            problems.add(e.getMessage());
            return;
        }
        Path base = file.toAbsolutePath().getParent();
        Map<String, Integer> firstLine = new LinkedHashMap<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            int lineNo = i + 1;
            String where = file + ":" + lineNo;
            String line = lines[i].endsWith("\r") ? lines[i].substring(0, lines[i].length() - 1) : lines[i];
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                continue;
            }
            int eq = line.indexOf('=');
            if (eq < 0) {
                problems.add(where + ": expected 'key = value'");
                continue;
            }
            String key = line.substring(0, eq).strip();
            if (!KEY.matcher(key).matches()) {
                problems.add(where + ": '" + printable(key) + "' is not a valid key (keys are lower_snake_case)");
                continue;
            }
            if (ConfigReference.entry(key).isEmpty()) {
                problems.add(where + ": unknown key '" + key + "'");
                continue;
            }
            Integer earlier = firstLine.putIfAbsent(key, lineNo);
            if (earlier != null) {
                problems.add(where + ": duplicate key '" + key + "' (first set on line " + earlier + ")");
                continue;
            }
            Optional<String> value = parseValue(line.substring(eq + 1), key, where, problems);
            value.ifPresent(v -> settings.put(key, new Setting(key, v, where, base)));
        }
    }

    private static String readSmallUtf8(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new ConfigException("configuration file " + file + " does not exist or is not a regular file");
        }
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes(MAX_FILE_BYTES + 1);
        } catch (IOException | SecurityException e) {
            throw new ConfigException("configuration file " + file + " cannot be read (" + e.getClass().getSimpleName() + ")");
        }
        if (bytes.length > MAX_FILE_BYTES) {
            throw new ConfigException("configuration file " + file + " is larger than " + MAX_FILE_BYTES + " bytes");
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new ConfigException("configuration file " + file + " is not valid UTF-8");
        }
        return text.startsWith("\uFEFF") ? text.substring(1) : text;
    }

    /** The value after '=': bare (no spaces or quotes) or double-quoted; never echoed in errors. */
    private static Optional<String> parseValue(String raw, String key, String where, List<String> problems) {
        String v = raw.strip();
        if (v.startsWith("\"")) {
            StringBuilder out = new StringBuilder();
            int i = 1;
            boolean closed = false;
            while (i < v.length()) {
                char c = v.charAt(i);
                if (c == '\\') {
                    if (i + 1 < v.length() && (v.charAt(i + 1) == '"' || v.charAt(i + 1) == '\\')) {
                        out.append(v.charAt(i + 1));
                        i += 2;
                        continue;
                    }
                    problems.add(where + ": " + key + " has an unsupported escape in its quoted value (only \\\" and \\\\)");
                    return Optional.empty();
                }
                if (c == '"') {
                    closed = true;
                    i++;
                    break;
                }
                out.append(c);
                i++;
            }
            if (!closed) {
                problems.add(where + ": " + key + " has an unterminated quoted value");
                return Optional.empty();
            }
            if (i < v.length()) {
                problems.add(where + ": " + key + " has text after its closing quote");
                return Optional.empty();
            }
            v = out.toString();
        } else if (v.chars().anyMatch(c -> Character.isWhitespace(c) || c == '"')) {
            problems.add(where + ": " + key + " has spaces or quotes in its value; write it in double quotes");
            return Optional.empty();
        }
        if (v.chars().anyMatch(Character::isISOControl)) {
            problems.add(where + ": " + key + " has a control character in its value");
            return Optional.empty();
        }
        if (v.length() > MAX_VALUE_CHARS) {
            problems.add(where + ": " + key + " has a value longer than " + MAX_VALUE_CHARS + " characters");
            return Optional.empty();
        }
        return Optional.of(v);
    }

    // ---- values ------------------------------------------------------------------------------

    private Path decideDataDir(Optional<Setting> early, Setting fromFile, boolean explicitFile, Path provisional,
            List<String> problems) {
        if (fromFile == null) {
            return provisional;
        }
        Path fileDataDir = resolvePath(fromFile, problems);
        if (fileDataDir == null) {
            return provisional;
        }
        if (!explicitFile && !fileDataDir.equals(provisional)) {
            problems.add(fromFile.where() + ": data_dir points elsewhere, but this file was found inside the data directory "
                    + provisional + "; name the file with --config or POSTERN_CONFIG instead");
        }
        // --data-dir and POSTERN_DATA_DIR win over the file, like every other override.
        return early.isPresent() ? provisional : fileDataDir;
    }

    private Config build(Path dataDir, Optional<Path> file, Map<String, Setting> s, List<String> problems) {
        InetAddress bind = bind(s.get(ConfigReference.BIND), problems);
        String hostname = hostname(s.get(ConfigReference.HOSTNAME), problems);
        int smtp = port(s, ConfigReference.SMTP_PORT, 25, problems);
        int submission = port(s, ConfigReference.SUBMISSION_PORT, 587, problems);
        int submissions = port(s, ConfigReference.SUBMISSIONS_PORT, 465, problems);
        int imap = port(s, ConfigReference.IMAP_PORT, 143, problems);
        int imaps = port(s, ConfigReference.IMAPS_PORT, 993, problems);
        int http = port(s, ConfigReference.HTTP_PORT, 8443, problems);
        checkDistinctPorts(Map.of(ConfigReference.SMTP_PORT, smtp, ConfigReference.SUBMISSION_PORT, submission,
                ConfigReference.SUBMISSIONS_PORT, submissions, ConfigReference.IMAP_PORT, imap,
                ConfigReference.IMAPS_PORT, imaps, ConfigReference.HTTP_PORT, http), problems);

        Optional<String> dbUrl = dbUrl(s.get(ConfigReference.DB_URL), problems);
        Optional<String> dbUser = nonEmpty(s.get(ConfigReference.DB_USER));
        dbUser.ifPresent(u -> {
            if (u.length() > 128) {
                problems.add(s.get(ConfigReference.DB_USER).where() + ": db_user is longer than 128 characters");
            }
        });
        Optional<String> dbPassword = dbPassword(s.get(ConfigReference.DB_PASSWORD), file, problems);
        Optional<String> dbMigrationUser = nonEmpty(s.get(ConfigReference.DB_MIGRATION_USER));
        dbMigrationUser.ifPresent(u -> {
            if (u.length() > 128) {
                problems.add(s.get(ConfigReference.DB_MIGRATION_USER).where()
                        + ": db_migration_user is longer than 128 characters");
            } else if (dbUser.isPresent() && dbUser.get().equals(u)) {
                problems.add(s.get(ConfigReference.DB_MIGRATION_USER).where() + ": db_migration_user must be another"
                        + " role than db_user (the runtime role must not own the tables)");
            }
        });
        Optional<String> dbMigrationPassword = dbPassword(s.get(ConfigReference.DB_MIGRATION_PASSWORD), file, problems);
        if (dbMigrationPassword.isPresent() && dbMigrationUser.isEmpty() && dbUrl.isPresent()) {
            problems.add(s.get(ConfigReference.DB_MIGRATION_PASSWORD).where() + ": db_migration_password is set without"
                    + " db_migration_user");
        }
        if (dbUrl.isEmpty()) {
            for (String key : List.of(ConfigReference.DB_USER, ConfigReference.DB_PASSWORD,
                    ConfigReference.DB_MIGRATION_USER, ConfigReference.DB_MIGRATION_PASSWORD)) {
                Setting set = s.get(key);
                if (set != null && !set.value().isEmpty()) {
                    problems.add(set.where() + ": " + key + " is set but db_url is empty (the embedded database needs no "
                            + "credentials)");
                }
            }
        }

        Optional<Path> tlsCert = tlsPath(s.get(ConfigReference.TLS_CERT), problems);
        Optional<Path> tlsKey = tlsPath(s.get(ConfigReference.TLS_KEY), problems);
        if (tlsCert.isPresent() != tlsKey.isPresent()) {
            Setting given = tlsCert.isPresent() ? s.get(ConfigReference.TLS_CERT) : s.get(ConfigReference.TLS_KEY);
            String missing = tlsCert.isPresent() ? ConfigReference.TLS_KEY : ConfigReference.TLS_CERT;
            problems.add(given.where() + ": " + given.key() + " is set without " + missing + "; set both, or neither for a "
                    + "generated certificate");
            tlsCert = Optional.empty();
            tlsKey = Optional.empty();
        }
        tlsKey.ifPresent(key -> {
            try {
                OwnerOnlyFiles.requireOwnerOnly(key);
            } catch (KeyFileException e) {
                problems.add(s.get(ConfigReference.TLS_KEY).where() + ": tls_key " + key
                        + " must be readable by its owner only (chmod 600)");
            }
        });

        String logFormat = choice(s.get(ConfigReference.LOG_FORMAT), "plain", LOG_FORMATS, problems);
        String logLevel = choice(s.get(ConfigReference.LOG_LEVEL), "info", LOG_LEVELS, problems);
        long maxMessage = size(s.get(ConfigReference.MAX_MESSAGE_BYTES), 36_700_160L, problems);
        long maxHttp = size(s.get(ConfigReference.HTTP_MAX_REQUEST_BYTES), 1_048_576L, problems);

        SmtpSettings smtpSettings = new SmtpSettings(
                number(s, ConfigReference.SMTP_MAX_RECIPIENTS, SmtpSettings.DEFAULT.maxRecipients(), 1, 10_000, problems),
                number(s, ConfigReference.SMTP_MAX_CONNECTIONS, SmtpSettings.DEFAULT.maxConnections(), 1, 100_000, problems),
                number(s, ConfigReference.SMTP_MAX_CONNECTIONS_PER_IP, SmtpSettings.DEFAULT.maxConnectionsPerIp(), 1, 10_000,
                        problems),
                number(s, ConfigReference.SMTP_MESSAGES_PER_MINUTE_PER_IP, SmtpSettings.DEFAULT.messagesPerMinutePerIp(), 1,
                        1_000_000, problems),
                number(s, ConfigReference.SMTP_RECIPIENTS_PER_MINUTE_PER_IP, SmtpSettings.DEFAULT.recipientsPerMinutePerIp(),
                        1, 1_000_000, problems),
                number(s, ConfigReference.SMTP_MESSAGES_PER_MINUTE_PER_DOMAIN,
                        SmtpSettings.DEFAULT.messagesPerMinutePerDomain(), 1, 1_000_000, problems),
                domainRates(s.get(ConfigReference.SMTP_MESSAGES_PER_MINUTE_BY_DOMAIN), problems),
                duration(s.get(ConfigReference.SMTP_IDLE_TIMEOUT), SmtpSettings.DEFAULT.idleTimeout(),
                        Duration.ofSeconds(1), Duration.ofHours(1), problems),
                duration(s.get(ConfigReference.SMTP_MAX_SESSION_TIME), SmtpSettings.DEFAULT.maxSessionTime(),
                        Duration.ofSeconds(1), Duration.ofHours(24), problems),
                duration(s.get(ConfigReference.SMTP_RECIPIENT_CHECK_TIMEOUT), SmtpSettings.DEFAULT.recipientCheckTimeout(),
                        Duration.ofMillis(100), Duration.ofMinutes(1), problems),
                number(s, ConfigReference.SMTP_MAX_LINE_BYTES, SmtpSettings.DEFAULT.maxLineBytes(), 512, 65_536, problems),
                number(s, ConfigReference.SMTP_MAX_ERRORS, SmtpSettings.DEFAULT.maxErrors(), 1, 1000, problems));
        List<InetSocketAddress> dnsServers = dnsServers(s.get(ConfigReference.DNS_SERVERS), problems);
        DnsResolver.CacheSettings dnsCache = dnsCache(s, problems);
        Set<String> monitorDomains = domainList(s.get(ConfigReference.DMARC_MONITOR_DOMAINS), problems);
        IdentityConfig identity = new IdentityConfig(
                duration(s.get(ConfigReference.ACCESS_TOKEN_LIFETIME), IdentityConfig.DEFAULT.accessTokenLifetime(),
                        Duration.ofMinutes(1), Duration.ofHours(24), problems),
                duration(s.get(ConfigReference.REFRESH_TOKEN_LIFETIME), IdentityConfig.DEFAULT.refreshTokenLifetime(),
                        Duration.ofHours(1), Duration.ofHours(2160), problems),
                duration(s.get(ConfigReference.SESSION_LIFETIME), IdentityConfig.DEFAULT.sessionLifetime(),
                        Duration.ofHours(1), Duration.ofHours(8760), problems),
                duration(s.get(ConfigReference.SESSION_STATUS_MAX_AGE), IdentityConfig.DEFAULT.sessionStatusMaxAge(),
                        Duration.ofSeconds(1), Duration.ofSeconds(60), problems),
                number(s, ConfigReference.SIGNIN_LOCK_AFTER, IdentityConfig.DEFAULT.signInLockAfter(), 3, 1000, problems),
                duration(s.get(ConfigReference.SIGNIN_LOCK_TIME), IdentityConfig.DEFAULT.signInLockTime(),
                        Duration.ofMinutes(1), Duration.ofHours(24), problems),
                geoipTable(s.get(ConfigReference.GEOIP_TABLE), problems));

        boolean unsafeImapLogin = choice(s.get(ConfigReference.UNSAFE_IMAP_PLAINTEXT_LOGIN_ON_LOOPBACK), "false",
                Set.of("true", "false"), problems).equals("true");
        ImapSettings imapSettings = ImapSettings.defaults(maxMessage).withUnsafePlaintextLoginOnLoopback(unsafeImapLogin)
                .withQuotaBytes(quota(s.get(ConfigReference.MAIL_QUOTA_BYTES), problems))
                .withIdleKeepalive(duration(s.get(ConfigReference.IMAP_IDLE_KEEPALIVE), Duration.ofMinutes(2),
                        Duration.ofSeconds(1), Duration.ofMinutes(29), problems))
                .withConnectionLimits(number(s, ConfigReference.IMAP_MAX_CONNECTIONS, 2000, 1, 1_000_000, problems),
                        number(s, ConfigReference.IMAP_MAX_CONNECTIONS_PER_IP, 50, 1, 1_000_000, problems));

        SubmissionSettings submissionSettings = new SubmissionSettings(
                size(s.get(ConfigReference.SUBMISSION_MAX_MESSAGE_BYTES), SubmissionSettings.DEFAULT.maxMessageBytes(),
                        problems),
                number(s, ConfigReference.SUBMISSION_MAX_RECIPIENTS, SubmissionSettings.DEFAULT.maxRecipients(), 1, 10_000,
                        problems),
                number(s, ConfigReference.SUBMISSION_MESSAGES_PER_HOUR, SubmissionSettings.DEFAULT.messagesPerHourPerUser(),
                        1, 1_000_000, problems),
                choice(s.get(ConfigReference.SUBMISSION_SENT_COPY), "true", Set.of("true", "false"), problems)
                        .equals("true"));

        HttpSettings httpSettings = new HttpSettings(origins(s.get(ConfigReference.HTTP_CORS_ORIGINS), problems),
                number(s, ConfigReference.HTTP_RATE_USER_PER_SECOND, (int) HttpSettings.DEFAULT.userRate(), 1, 1_000_000,
                        problems),
                number(s, ConfigReference.HTTP_RATE_USER_BURST, HttpSettings.DEFAULT.userBurst(), 1, 1_000_000, problems),
                number(s, ConfigReference.HTTP_RATE_IP_PER_SECOND, (int) HttpSettings.DEFAULT.ipRate(), 1, 1_000_000,
                        problems),
                number(s, ConfigReference.HTTP_RATE_IP_BURST, HttpSettings.DEFAULT.ipBurst(), 1, 1_000_000, problems),
                number(s, ConfigReference.HTTP_RATE_SIGN_IN_PER_MINUTE, (int) HttpSettings.DEFAULT.signInPerMinute(), 1,
                        1_000_000, problems),
                number(s, ConfigReference.HTTP_RATE_SIGN_IN_BURST, HttpSettings.DEFAULT.signInBurst(), 1, 1_000_000,
                        problems));
        MailApiConfig d = MailApiConfig.DEFAULT;
        MailApiConfig mailApi = new MailApiConfig(
                number(s, ConfigReference.API_MAIL_PAGE_MAX, d.pageMax(), 10, 1000, problems),
                number(s, ConfigReference.API_MAIL_SORT_MAX_MESSAGES, d.sortMaxMessages(), 100, 100_000, problems),
                number(s, ConfigReference.API_MAIL_SEARCH_MAX_SCAN, d.searchMaxScan(), 100, 100_000, problems),
                number(s, ConfigReference.API_MAIL_SEARCH_MAX_BODIES, d.searchMaxBodies(), 1, 10_000, problems),
                number(s, ConfigReference.MAIL_RENDER_MAX_PARTS, d.renderMaxParts(), 10, 10_000, problems));
        OutboundSettings outbound = outbound(s, hostname, problems);

        if (!problems.isEmpty()) {
            return null;
        }
        return new Config(dataDir, file, bind, hostname, smtp, submission, submissions, imap, imaps, http, dbUrl, dbUser,
                dbPassword, dbMigrationUser, dbMigrationPassword, tlsCert, tlsKey, logFormat, logLevel, maxMessage, maxHttp, smtpSettings, dnsServers,
                dnsCache, monitorDomains, identity, imapSettings, submissionSettings, httpSettings, mailApi, outbound);
    }

    private static OutboundSettings outbound(Map<String, Setting> s, String hostname, List<String> problems) {
        OutboundSettings d = OutboundSettings.defaults(hostname == null ? "localhost" : hostname);
        Map<String, NextHop> transport = Map.of();
        Setting t = s.get(ConfigReference.OUTBOUND_TRANSPORT);
        if (t != null) {
            try {
                transport = NextHop.parseTransport(t.value());
            } catch (IllegalArgumentException e) {
                problems.add(t.where() + ": " + t.key() + " must be a domain=host:port list (" + e.getMessage() + ")");
            }
        }
        Set<String> tlsRequired = domainList(s.get(ConfigReference.OUTBOUND_TLS_REQUIRED_DOMAINS), problems);
        Duration maxQueue = duration(s.get(ConfigReference.OUTBOUND_MAX_QUEUE_TIME), d.maxQueueTime(),
                Duration.ofSeconds(1), Duration.ofHours(720), problems);
        Duration delayNotice = duration(s.get(ConfigReference.OUTBOUND_DELAY_NOTICE_AFTER), d.delayNoticeAfter(),
                Duration.ofSeconds(1), Duration.ofHours(720), problems);
        Duration retryBase = duration(s.get(ConfigReference.OUTBOUND_RETRY_BASE), d.retryBase(), Duration.ofSeconds(1),
                Duration.ofHours(24), problems);
        Duration retryMax = duration(s.get(ConfigReference.OUTBOUND_RETRY_MAX), d.retryMax(), Duration.ofSeconds(1),
                Duration.ofHours(24), problems);
        if (retryMax.compareTo(retryBase) < 0) {
            problems.add(ConfigReference.OUTBOUND_RETRY_MAX + " must not be shorter than " + ConfigReference.OUTBOUND_RETRY_BASE);
            retryMax = retryBase;
        }
        int workers = number(s, ConfigReference.OUTBOUND_WORKERS, d.workers(), 1, 1000, problems);
        int perDomain = number(s, ConfigReference.OUTBOUND_CONNECTIONS_PER_DOMAIN, d.perDestination(), 1, 100, problems);
        Duration connect = duration(s.get(ConfigReference.OUTBOUND_CONNECT_TIMEOUT), d.connectTimeout(),
                Duration.ofSeconds(1), Duration.ofMinutes(5), problems);
        Duration command = duration(s.get(ConfigReference.OUTBOUND_COMMAND_TIMEOUT), d.commandTimeout(),
                Duration.ofSeconds(1), Duration.ofHours(1), problems);
        Optional<NextHop> relay = Optional.empty();
        Setting r = s.get(ConfigReference.OUTBOUND_RELAY);
        if (r != null && !r.value().isBlank()) {
            try {
                relay = Optional.of(NextHop.parse(r.value()));
            } catch (IllegalArgumentException e) {
                problems.add(r.where() + ": " + r.key() + " must be host:port or [ipv6]:port (" + e.getMessage() + ")");
            }
        }
        Optional<Path> relayCa = Optional.empty();
        Setting ca = s.get(ConfigReference.OUTBOUND_RELAY_CA);
        if (ca != null && !ca.value().isBlank()) {
            Path p = Path.of(ca.value()).toAbsolutePath().normalize();
            if (!Files.isRegularFile(p) || !Files.isReadable(p)) {
                problems.add(ca.where() + ": " + ca.key() + " must name a readable PEM file");
            } else {
                relayCa = Optional.of(p);
            }
        }
        boolean dane = choice(s.get(ConfigReference.OUTBOUND_DANE), "true", Set.of("true", "false"), problems)
                .equals("true");
        int mxPort = number(s, ConfigReference.OUTBOUND_MX_PORT, d.mxPort(), 1, 65535, problems);
        // Idle workers look at the queue at least as often as the shortest retry wait.
        Duration poll = retryBase.compareTo(d.pollInterval()) < 0 ? retryBase : d.pollInterval();
        return new OutboundSettings(d.heloName(), maxQueue, delayNotice, retryBase, retryMax, transport, tlsRequired,
                workers, perDomain, connect, command, d.dataTimeout(), poll, d.leaseTime(), relay, relayCa, dane, mxPort);
    }

    private static InetAddress bind(Setting s, List<String> problems) {
        String v = s == null ? "0.0.0.0" : s.value();
        if (v.startsWith("[") && v.endsWith("]")) {
            v = v.substring(1, v.length() - 1);
        }
        try {
            InetAddress address = InetAddress.ofLiteral(v);
            if (address.isMulticastAddress()) {
                throw new IllegalArgumentException("multicast");
            }
            return address;
        } catch (IllegalArgumentException e) {
            problems.add(s.where() + ": bind must be an IPv4 or IPv6 address literal such as 0.0.0.0, ::, 127.0.0.1 or ::1");
            return InetAddress.getLoopbackAddress();
        }
    }

    private String hostname(Setting s, List<String> problems) {
        if (s == null) {
            return validHostname(defaultHostname.get()).orElse("localhost");
        }
        Optional<String> valid = validHostname(s.value());
        if (valid.isEmpty()) {
            problems.add(s.where() + ": hostname must be a DNS name such as mail.example.org");
            return "localhost";
        }
        return valid.get();
    }

    /** The lower-case A-label form of {@code name} if it is a usable DNS host name (not an IP literal). */
    static Optional<String> validHostname(String name) {
        if (name == null) {
            return Optional.empty();
        }
        String t = name.strip();
        if (t.endsWith(".")) {
            t = t.substring(0, t.length() - 1);
        }
        String ascii;
        try {
            ascii = IDN.toASCII(t, IDN.USE_STD3_ASCII_RULES).toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        if (ascii.isEmpty() || ascii.length() > 253) {
            return Optional.empty();
        }
        String[] labels = ascii.split("\\.", -1);
        for (String label : labels) {
            if (!DNS_LABEL.matcher(label).matches()) {
                return Optional.empty();
            }
        }
        if (labels[labels.length - 1].chars().allMatch(Character::isDigit)) {
            return Optional.empty();
        }
        return Optional.of(ascii);
    }

    private static String machineHostname() {
        try {
            return InetAddress.getLocalHost().getCanonicalHostName();
        } catch (UnknownHostException | SecurityException e) {
            return "localhost";
        }
    }

    private static int port(Map<String, Setting> settings, String key, int defaultValue, List<String> problems) {
        Setting s = settings.get(key);
        if (s == null) {
            return defaultValue;
        }
        try {
            if (s.value().length() <= 5 && s.value().chars().allMatch(c -> c >= '0' && c <= '9') && !s.value().isEmpty()) {
                int port = Integer.parseInt(s.value());
                if (port <= 65535) {
                    return port;
                }
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        problems.add(s.where() + ": " + key + " must be a whole number from 0 to 65535 (0 = any free port)");
        return defaultValue;
    }

    private static void checkDistinctPorts(Map<String, Integer> ports, List<String> problems) {
        Map<Integer, String> seen = new LinkedHashMap<>();
        ConfigReference.entries().stream().map(ConfigReference.Entry::key).filter(ports::containsKey).forEach(key -> {
            int port = ports.get(key);
            if (port == 0) {
                return;
            }
            String other = seen.putIfAbsent(port, key);
            if (other != null) {
                problems.add(other + " and " + key + " are both set to port " + port);
            }
        });
    }

    private static Optional<String> dbUrl(Setting s, List<String> problems) {
        Optional<String> url = nonEmpty(s);
        if (url.isEmpty()) {
            return url;
        }
        String v = url.get();
        if (!v.startsWith("jdbc:postgresql://") || v.length() <= "jdbc:postgresql://".length()) {
            problems.add(s.where() + ": db_url must be empty (embedded database) or start with jdbc:postgresql://");
            return Optional.empty();
        }
        if (v.toLowerCase(Locale.ROOT).contains("password")) {
            problems.add(s.where() + ": db_url must not carry a password; set db_password (or POSTERN_DB_PASSWORD) instead");
            return Optional.empty();
        }
        return url;
    }

    private static Optional<String> dbPassword(Setting s, Optional<Path> file, List<String> problems) {
        if (s == null || s.value().isEmpty()) {
            return Optional.empty();
        }
        Optional<String> problem;
        try {
            problem = SecretStrength.problemWithPassphrase(s.value());
        } catch (RuntimeException e) {
            problem = Optional.of("could not be checked");
        }
        if (problem.isPresent()) {
            problems.add(s.where() + ": " + s.key() + " " + problem.get() + "; refusing to start with a weak database password");
            return Optional.empty();
        }
        if (!s.where().startsWith("environment") && file.isPresent()) {
            try {
                OwnerOnlyFiles.requireOwnerOnly(file.get());
            } catch (KeyFileException e) {
                problems.add(s.where() + ": " + s.key() + " is set in a file that others can read; chmod 600 "
                        + file.get() + " or use " + ConfigReference.ENV_PREFIX + s.key().toUpperCase(Locale.ROOT));
                return Optional.empty();
            }
        }
        return Optional.of(s.value());
    }

    private Optional<Path> geoipTable(Setting s, List<String> problems) {
        // Same rules as a TLS file: resolved against the config file, must be a readable file.
        return tlsPath(s, problems);
    }

    private Optional<Path> tlsPath(Setting s, List<String> problems) {
        if (s == null || s.value().isEmpty()) {
            return Optional.empty();
        }
        Path path = resolvePath(s, problems);
        if (path == null) {
            return Optional.empty();
        }
        if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
            problems.add(s.where() + ": " + s.key() + " " + path + " is not a readable file");
            return Optional.empty();
        }
        return Optional.of(path);
    }

    private static String choice(Setting s, String defaultValue, Set<String> allowed, List<String> problems) {
        if (s == null) {
            return defaultValue;
        }
        String v = s.value().toLowerCase(Locale.ROOT);
        if (!allowed.contains(v)) {
            problems.add(s.where() + ": " + s.key() + " must be one of " + String.join(", ", sorted(allowed)));
            return defaultValue;
        }
        return v;
    }

    private static int number(Map<String, Setting> settings, String key, int defaultValue, int min, int max,
            List<String> problems) {
        Setting s = settings.get(key);
        if (s == null) {
            return defaultValue;
        }
        String v = s.value();
        if (!v.isEmpty() && v.length() <= 9 && v.chars().allMatch(c -> c >= '0' && c <= '9')) {
            int n = Integer.parseInt(v);
            if (n >= min && n <= max) {
                return n;
            }
        }
        problems.add(s.where() + ": " + key + " must be a whole number from " + min + " to " + max);
        return defaultValue;
    }

    private static Duration duration(Setting s, Duration defaultValue, Duration min, Duration max, List<String> problems) {
        if (s == null) {
            return defaultValue;
        }
        Matcher m = DURATION.matcher(s.value());
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            Duration d = switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                default -> Duration.ofHours(n);
            };
            if (d.compareTo(min) >= 0 && d.compareTo(max) <= 0) {
                return d;
            }
        }
        problems.add(s.where() + ": " + s.key() + " must be a duration from " + min.toString().substring(2).toLowerCase(Locale.ROOT)
                + " to " + max.toString().substring(2).toLowerCase(Locale.ROOT) + " such as 30s, 5m or 1h");
        return defaultValue;
    }

    private static DnsResolver.CacheSettings dnsCache(Map<String, Setting> s, List<String> problems) {
        DnsResolver.CacheSettings d = DnsResolver.CacheSettings.defaults();
        int entries = number(s, ConfigReference.DNS_CACHE_MAX_ENTRIES, d.maxEntries(), 0, 10_000_000, problems);
        Duration min = duration(s.get(ConfigReference.DNS_CACHE_MIN_TTL), d.minTtl(), Duration.ZERO, Duration.ofHours(1),
                problems);
        Duration max = duration(s.get(ConfigReference.DNS_CACHE_MAX_TTL), d.maxTtl(), Duration.ZERO, Duration.ofHours(24),
                problems);
        if (min.compareTo(max) > 0) {
            problems.add(ConfigReference.DNS_CACHE_MIN_TTL + " must not be longer than " + ConfigReference.DNS_CACHE_MAX_TTL);
            return d;
        }
        return new DnsResolver.CacheSettings(entries, min, max);
    }

    private static List<InetSocketAddress> dnsServers(Setting s, List<String> problems) {
        if (s == null || s.value().isBlank()) {
            return List.of();
        }
        List<InetSocketAddress> servers = new java.util.ArrayList<>();
        for (String item : s.value().split(",")) {
            String t = item.strip();
            Matcher m = HOST_PORT.matcher(t);
            try {
                if (!m.matches()) {
                    throw new IllegalArgumentException(t);
                }
                String host = m.group(1) != null ? m.group(1) : m.group(2);
                int port = m.group(3) == null ? 53 : Integer.parseInt(m.group(3));
                if (port < 1 || port > 65535) {
                    throw new IllegalArgumentException(t);
                }
                servers.add(new InetSocketAddress(InetAddress.ofLiteral(host), port));
            } catch (IllegalArgumentException e) {
                problems.add(s.where() + ": dns_servers must be a comma-separated list of IP[:port] such as "
                        + "127.0.0.1:5353 or [::1]:53");
                return List.of();
            }
        }
        if (servers.size() > 8) {
            problems.add(s.where() + ": dns_servers lists more than 8 servers");
        }
        return servers;
    }

    private static Map<String, Integer> domainRates(Setting s, List<String> problems) {
        if (s == null || s.value().isBlank()) {
            return Map.of();
        }
        Map<String, Integer> rates = new LinkedHashMap<>();
        for (String item : s.value().split(",")) {
            int eq = item.indexOf('=');
            Optional<String> domain = eq > 0 ? validHostname(item.substring(0, eq)) : Optional.empty();
            String n = eq > 0 ? item.substring(eq + 1).strip() : "";
            if (domain.isEmpty() || n.isEmpty() || n.length() > 7 || !n.chars().allMatch(c -> c >= '0' && c <= '9')
                    || Integer.parseInt(n) < 1) {
                problems.add(s.where() + ": " + s.key() + " must be a comma-separated list of domain=N with N from 1 "
                        + "to 9999999");
                return Map.of();
            }
            rates.put(domain.get(), Integer.parseInt(n));
        }
        return rates;
    }

    /** Browser origins as a page sends them: https (or http for loopback development) scheme, host, optional port. */
    private static Set<String> origins(Setting s, List<String> problems) {
        if (s == null || s.value().isBlank()) {
            return Set.of();
        }
        Set<String> origins = new java.util.LinkedHashSet<>();
        for (String item : s.value().split(",")) {
            String o = item.strip().toLowerCase(Locale.ROOT);
            if (!ORIGIN.matcher(o).matches()) {
                problems.add(s.where() + ": " + s.key() + " must be a comma-separated list of origins such as "
                        + "https://mail.example.org (no path, no wildcard)");
                return Set.of();
            }
            origins.add(o);
        }
        return origins;
    }

    private static Set<String> domainList(Setting s, List<String> problems) {
        if (s == null || s.value().isBlank()) {
            return Set.of();
        }
        Set<String> domains = new java.util.LinkedHashSet<>();
        for (String item : s.value().split(",")) {
            Optional<String> d = validHostname(item);
            if (d.isEmpty()) {
                problems.add(s.where() + ": " + s.key() + " must be a comma-separated list of domain names");
                return Set.of();
            }
            domains.add(d.get());
        }
        return domains;
    }

    private static long size(Setting s, long defaultValue, List<String> problems) {
        if (s == null) {
            return defaultValue;
        }
        Matcher m = SIZE.matcher(s.value());
        if (m.matches()) {
            try {
                long n = Long.parseLong(m.group(1));
                long unit = m.group(2) == null ? 1 : switch (m.group(2)) {
                    case "KiB" -> 1024L;
                    case "MiB" -> 1024L * 1024;
                    default -> 1024L * 1024 * 1024;
                };
                long bytes = Math.multiplyExact(n, unit);
                if (bytes >= MIN_SIZE_LIMIT && bytes <= MAX_SIZE_LIMIT) {
                    return bytes;
                }
            } catch (NumberFormatException | ArithmeticException e) {
                // reported below
            }
        }
        problems.add(s.where() + ": " + s.key() + " must be a size from 1 KiB to 1 GiB, in bytes or with a KiB/MiB/GiB suffix");
        return defaultValue;
    }

    private static final Pattern ORIGIN =
            Pattern.compile("https://[a-z0-9.-]{1,253}(:[0-9]{1,5})?|http://(localhost|127\\.0\\.0\\.1)(:[0-9]{1,5})?");
    private static final Pattern QUOTA = Pattern.compile("([0-9]{1,19})\\s*(KiB|MiB|GiB|TiB)?");

    /** A storage quota: 0 (none), or 1 MiB to 1 PiB. */
    private static long quota(Setting s, List<String> problems) {
        if (s == null) {
            return 0;
        }
        Matcher m = QUOTA.matcher(s.value());
        if (m.matches()) {
            try {
                long n = Long.parseLong(m.group(1));
                long unit = m.group(2) == null ? 1 : switch (m.group(2)) {
                    case "KiB" -> 1L << 10;
                    case "MiB" -> 1L << 20;
                    case "GiB" -> 1L << 30;
                    default -> 1L << 40;
                };
                long bytes = Math.multiplyExact(n, unit);
                if (bytes == 0 || (bytes >= 1L << 20 && bytes <= 1L << 50)) {
                    return bytes;
                }
            } catch (NumberFormatException | ArithmeticException e) {
                // reported below
            }
        }
        problems.add(s.where() + ": " + s.key() + " must be 0 or a size from 1 MiB to 1 PiB, in bytes or with a "
                + "KiB/MiB/GiB/TiB suffix");
        return 0;
    }

    // ---- helpers -----------------------------------------------------------------------------

    private static Optional<String> nonEmpty(Setting s) {
        return s == null || s.value().isEmpty() ? Optional.empty() : Optional.of(s.value());
    }

    private Path resolvePath(Setting s, List<String> problems) {
        if (s.value().isEmpty()) {
            problems.add(s.where() + ": " + s.key() + " is empty");
            return null;
        }
        try {
            return s.base().resolve(s.value()).toAbsolutePath().normalize();
        } catch (InvalidPathException e) {
            problems.add(s.where() + ": " + s.key() + " is not a valid path");
            return null;
        }
    }

    private Path absolute(Path path) {
        return workingDirectory.resolve(path).toAbsolutePath().normalize();
    }

    private static List<String> sorted(Set<String> set) {
        return set.stream().sorted().toList();
    }

    /** Keeps at most 64 printable characters, so a hostile or mistaken file cannot mangle the message. */
    private static String printable(String text) {
        String cleaned = text.codePoints().filter(c -> c >= 0x20 && c != 0x7f)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
        return cleaned.length() > 64 ? cleaned.substring(0, 64) + "..." : cleaned;
    }

    private static void throwIfAny(List<String> problems) {
        if (!problems.isEmpty()) {
            throw new ConfigException(problems.size() == 1 ? problems.getFirst()
                    : problems.size() + " configuration problems: " + String.join("; ", problems));
        }
    }
}
