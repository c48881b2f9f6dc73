package org.postern.server.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Every configuration key Postern knows, with its default and a one-line description. The loader
 * refuses any key not listed here, and the README's configuration table is generated from it, so
 * the two cannot drift apart.
 */
public final class ConfigReference {

    /** One configuration key: its name in the file, its default as written in a file, and what it does. */
    public record Entry(String key, String defaultValue, String description) {
        /** The environment variable that overrides this key: {@code POSTERN_<KEY>}. */
        public String environmentVariable() {
            return ENV_PREFIX + key.toUpperCase(Locale.ROOT);
        }
    }

    /** Prefix of every environment variable Postern reads. */
    public static final String ENV_PREFIX = "POSTERN_";

    /** Prefix of environment variables reserved for tests; never read as configuration. */
    public static final String TEST_ENV_PREFIX = "POSTERN_TEST_";

    /**
     * Environment variables that belong to the launcher, not to the configuration file; they are
     * allowed next to the {@code POSTERN_<KEY>} overrides. POSTERN_DATA_DIR is both.
     */
    public static final Set<String> LAUNCHER_VARIABLES =
            Set.of("POSTERN_CONFIG", "POSTERN_DATA_DIR", "POSTERN_JAVA_OPTS", "POSTERN_JAVA_HOME");

    public static final String DATA_DIR = "data_dir";
    public static final String BIND = "bind";
    public static final String HOSTNAME = "hostname";
    public static final String SMTP_PORT = "smtp_port";
    public static final String SUBMISSION_PORT = "submission_port";
    public static final String SUBMISSIONS_PORT = "submissions_port";
    public static final String IMAP_PORT = "imap_port";
    public static final String IMAPS_PORT = "imaps_port";
    public static final String HTTP_PORT = "http_port";
    public static final String DB_URL = "db_url";
    public static final String DB_USER = "db_user";
    public static final String DB_PASSWORD = "db_password";
    public static final String DB_MIGRATION_USER = "db_migration_user";
    public static final String DB_MIGRATION_PASSWORD = "db_migration_password";
    public static final String TLS_CERT = "tls_cert";
    public static final String TLS_KEY = "tls_key";
    public static final String LOG_FORMAT = "log_format";
    public static final String LOG_LEVEL = "log_level";
    public static final String MAX_MESSAGE_BYTES = "max_message_bytes";
    public static final String HTTP_MAX_REQUEST_BYTES = "http_max_request_bytes";
    public static final String SMTP_MAX_RECIPIENTS = "smtp_max_recipients";
    public static final String SMTP_MAX_CONNECTIONS = "smtp_max_connections";
    public static final String SMTP_MAX_CONNECTIONS_PER_IP = "smtp_max_connections_per_ip";
    public static final String SMTP_MESSAGES_PER_MINUTE_PER_IP = "smtp_messages_per_minute_per_ip";
    public static final String SMTP_RECIPIENTS_PER_MINUTE_PER_IP = "smtp_recipients_per_minute_per_ip";
    public static final String SMTP_MESSAGES_PER_MINUTE_PER_DOMAIN = "smtp_messages_per_minute_per_domain";
    public static final String SMTP_MESSAGES_PER_MINUTE_BY_DOMAIN = "smtp_messages_per_minute_by_domain";
    public static final String SMTP_IDLE_TIMEOUT = "smtp_idle_timeout";
    public static final String SMTP_MAX_SESSION_TIME = "smtp_max_session_time";
    public static final String SMTP_RECIPIENT_CHECK_TIMEOUT = "smtp_recipient_check_timeout";
    public static final String SMTP_MAX_LINE_BYTES = "smtp_max_line_bytes";
    public static final String SMTP_MAX_ERRORS = "smtp_max_errors";
    public static final String SUBMISSION_MAX_MESSAGE_BYTES = "submission_max_message_bytes";
    public static final String SUBMISSION_MAX_RECIPIENTS = "submission_max_recipients";
    public static final String SUBMISSION_MESSAGES_PER_HOUR = "submission_messages_per_hour";
    public static final String SUBMISSION_SENT_COPY = "submission_sent_copy";
    public static final String DNS_SERVERS = "dns_servers";
    public static final String DNS_CACHE_MAX_ENTRIES = "dns_cache_max_entries";
    public static final String DNS_CACHE_MIN_TTL = "dns_cache_min_ttl";
    public static final String DNS_CACHE_MAX_TTL = "dns_cache_max_ttl";
    public static final String DMARC_MONITOR_DOMAINS = "dmarc_monitor_domains";
    public static final String ACCESS_TOKEN_LIFETIME = "access_token_lifetime";
    public static final String REFRESH_TOKEN_LIFETIME = "refresh_token_lifetime";
    public static final String SESSION_LIFETIME = "session_lifetime";
    public static final String SESSION_STATUS_MAX_AGE = "session_status_max_age";
    public static final String SIGNIN_LOCK_AFTER = "signin_lock_after";
    public static final String SIGNIN_LOCK_TIME = "signin_lock_time";
    public static final String GEOIP_TABLE = "geoip_table";
    public static final String UNSAFE_IMAP_PLAINTEXT_LOGIN_ON_LOOPBACK = "unsafe_imap_plaintext_login_on_loopback";
    public static final String MAIL_QUOTA_BYTES = "mail_quota_bytes";
    public static final String IMAP_IDLE_KEEPALIVE = "imap_idle_keepalive";
    public static final String IMAP_MAX_CONNECTIONS = "imap_max_connections";
    public static final String IMAP_MAX_CONNECTIONS_PER_IP = "imap_max_connections_per_ip";
    public static final String HTTP_CORS_ORIGINS = "http_cors_origins";
    public static final String HTTP_RATE_USER_PER_SECOND = "http_rate_user_per_second";
    public static final String HTTP_RATE_USER_BURST = "http_rate_user_burst";
    public static final String HTTP_RATE_IP_PER_SECOND = "http_rate_ip_per_second";
    public static final String HTTP_RATE_IP_BURST = "http_rate_ip_burst";
    public static final String HTTP_RATE_SIGN_IN_PER_MINUTE = "http_rate_sign_in_per_minute";
    public static final String HTTP_RATE_SIGN_IN_BURST = "http_rate_sign_in_burst";
    public static final String API_MAIL_PAGE_MAX = "api_mail_page_max";
    public static final String API_MAIL_SORT_MAX_MESSAGES = "api_mail_sort_max_messages";
    public static final String API_MAIL_SEARCH_MAX_SCAN = "api_mail_search_max_scan";
    public static final String API_MAIL_SEARCH_MAX_BODIES = "api_mail_search_max_bodies";
    public static final String MAIL_RENDER_MAX_PARTS = "mail_render_max_parts";
    public static final String OUTBOUND_TRANSPORT = "outbound_transport";
    public static final String OUTBOUND_TLS_REQUIRED_DOMAINS = "outbound_tls_required_domains";
    public static final String OUTBOUND_MAX_QUEUE_TIME = "outbound_max_queue_time";
    public static final String OUTBOUND_DELAY_NOTICE_AFTER = "outbound_delay_notice_after";
    public static final String OUTBOUND_RETRY_BASE = "outbound_retry_base";
    public static final String OUTBOUND_RETRY_MAX = "outbound_retry_max";
    public static final String OUTBOUND_WORKERS = "outbound_workers";
    public static final String OUTBOUND_CONNECTIONS_PER_DOMAIN = "outbound_connections_per_domain";
    public static final String OUTBOUND_CONNECT_TIMEOUT = "outbound_connect_timeout";
    public static final String OUTBOUND_COMMAND_TIMEOUT = "outbound_command_timeout";
    public static final String OUTBOUND_RELAY = "outbound_relay";
    public static final String OUTBOUND_RELAY_CA = "outbound_relay_ca";
    public static final String OUTBOUND_DANE = "outbound_dane";
    public static final String OUTBOUND_MX_PORT = "outbound_mx_port";

    /** The name of the configuration file looked for in the data directory. */
    public static final String DEFAULT_FILE_NAME = "postern.conf";

    private static final List<Entry> ENTRIES = List.of(
            new Entry(DATA_DIR, "./data",
                    "Directory for the database, keys and TLS material; also set by --data-dir or POSTERN_DATA_DIR. "
                            + "Relative paths are resolved against the current directory (in a file: against the file's directory)."),
            new Entry(BIND, "0.0.0.0",
                    "IP address the listeners bind to: an IPv4 or IPv6 literal; 0.0.0.0 or :: means all interfaces."),
            new Entry(HOSTNAME, "(this machine's host name, else localhost)",
                    "DNS name the server announces in greetings and puts in its self-signed certificate."),
            new Entry(SMTP_PORT, "25", "SMTP port for mail from other servers (0 = any free port)."),
            new Entry(SUBMISSION_PORT, "587", "Submission port for your users' mail clients, STARTTLS required (0 = any free port)."),
            new Entry(SUBMISSIONS_PORT, "465", "Submission port with implicit TLS (0 = any free port)."),
            new Entry(IMAP_PORT, "143", "IMAP port, STARTTLS required before login (0 = any free port)."),
            new Entry(IMAPS_PORT, "993", "IMAP port with implicit TLS (0 = any free port)."),
            new Entry(HTTP_PORT, "8443", "HTTPS port for the web interface and API; plain HTTP is never served (0 = any free port)."),
            new Entry(DB_URL, "",
                    "Empty for the embedded SQLite database at <data_dir>/postern.db; else a jdbc:postgresql:// URL without a password."),
            new Entry(DB_USER, "",
                    "PostgreSQL role Postern runs as. It must not be a superuser, have BYPASSRLS or own the tables "
                            + "(row-level security binds it); Postern refuses to start otherwise."),
            new Entry(DB_PASSWORD, "",
                    "PostgreSQL password; prefer the POSTERN_DB_PASSWORD variable. Weak or well-known passwords are refused, "
                            + "and a file that sets it must be readable by its owner only."),
            new Entry(DB_MIGRATION_USER, "",
                    "PostgreSQL role that owns the schema: Postern migrates as it, then grants db_user only SELECT, "
                            + "INSERT, UPDATE and DELETE. Empty: db_user migrates (and then owns the tables, which is refused)."),
            new Entry(DB_MIGRATION_PASSWORD, "",
                    "Password of db_migration_user; prefer the POSTERN_DB_MIGRATION_PASSWORD variable. Same rules as db_password."),
            new Entry(TLS_CERT, "",
                    "PEM certificate chain (leaf first). Empty, with tls_key empty, for a generated self-signed certificate. "
                            + "Relative paths in a file are resolved against the file's directory."),
            new Entry(TLS_KEY, "", "PEM private key (PKCS#8, EC or RSA, unencrypted) for tls_cert; must be readable by its owner only."),
            new Entry(LOG_FORMAT, "plain", "Log format on standard output: plain or json (one object per line)."),
            new Entry(LOG_LEVEL, "info", "Log level: error, warn, info or debug."),
            new Entry(MAX_MESSAGE_BYTES, "36700160",
                    "Largest message accepted, in bytes (1 KiB to 1 GiB; suffixes KiB, MiB, GiB allowed)."),
            new Entry(HTTP_MAX_REQUEST_BYTES, "1048576",
                    "Largest HTTP request body accepted, in bytes (1 KiB to 1 GiB; suffixes KiB, MiB, GiB allowed)."),
            new Entry(HTTP_CORS_ORIGINS, "",
                    "Origins (https://host[:port], comma-separated) whose web pages may call the API from a browser; "
                            + "empty for none. Other origins get no CORS headers and their preflights 403."),
            new Entry(HTTP_RATE_USER_PER_SECOND, "100",
                    "API requests per second one user may make, counted per signed-in user or API token's user "
                            + "(token bucket; 1 to 1000000); beyond it 429 with Retry-After."),
            new Entry(HTTP_RATE_USER_BURST, "50", "Requests one user may make at once before the per-second rate applies (1 to 1000000)."),
            new Entry(HTTP_RATE_IP_PER_SECOND, "200", "HTTPS requests per second from one client address (1 to 1000000)."),
            new Entry(HTTP_RATE_IP_BURST, "100", "Requests from one client address at once (1 to 1000000)."),
            new Entry(HTTP_RATE_SIGN_IN_PER_MINUTE, "60",
                    "Sign-in, second-factor, refresh, recovery, invite and alias-generation calls per minute from one client "
                            + "address (1 to 1000000); the per-account sign-in lock applies as well."),
            new Entry(HTTP_RATE_SIGN_IN_BURST, "30", "Such calls from one client address at once (1 to 1000000)."),
            new Entry(SMTP_MAX_RECIPIENTS, "100", "Recipients per message on the SMTP port (1 to 10000)."),
            new Entry(SMTP_MAX_CONNECTIONS, "1000", "Open SMTP connections in all (1 to 100000); beyond it new ones get 421."),
            new Entry(SMTP_MAX_CONNECTIONS_PER_IP, "20", "Open SMTP connections from one client address (1 to 10000)."),
            new Entry(SMTP_MESSAGES_PER_MINUTE_PER_IP, "120", "Messages accepted from one client address per minute (1 to 1000000)."),
            new Entry(SMTP_RECIPIENTS_PER_MINUTE_PER_IP, "600", "Recipients accepted from one client address per minute (1 to 1000000)."),
            new Entry(SMTP_MESSAGES_PER_MINUTE_PER_DOMAIN, "1200",
                    "Messages accepted for one hosted recipient domain per minute, from all clients (1 to 1000000)."),
            new Entry(SMTP_MESSAGES_PER_MINUTE_BY_DOMAIN, "",
                    "Rate tiers: hosted domains with their own messages-per-minute instead of the default, as domain=N list "
                            + "(e.g. big.example=6000,small.example=60)."),
            new Entry(SMTP_IDLE_TIMEOUT, "5m", "Silence allowed between SMTP commands (1s to 1h; units s, m, h)."),
            new Entry(SMTP_MAX_SESSION_TIME, "30m", "Longest an SMTP connection may stay open (1s to 24h)."),
            new Entry(SMTP_RECIPIENT_CHECK_TIMEOUT, "5s",
                    "Longest a recipient lookup may take; past it RCPT TO is answered 451 4.3.0, never accepted (100ms to 1m)."),
            new Entry(SMTP_MAX_LINE_BYTES, "2048", "Longest SMTP command line in bytes, CRLF included (512 to 65536)."),
            new Entry(SMTP_MAX_ERRORS, "10", "Bad SMTP commands allowed before the connection is closed (1 to 1000)."),
            new Entry(SUBMISSION_MAX_MESSAGE_BYTES, "10485760",
                    "Largest message a user may send through submission, in bytes (1 KiB to 1 GiB; suffixes KiB, MiB, GiB allowed). The default for every tenant; see tenant limits."),
            new Entry(SUBMISSION_MAX_RECIPIENTS, "100", "Recipients per message on the submission ports and the send API (1 to 10000). The default for every tenant; see tenant limits."),
            new Entry(SUBMISSION_MESSAGES_PER_HOUR, "200",
                    "Messages one user may send per hour through SMTP submission and the API together (1 to 1000000). The default for every tenant; see tenant limits."),
            new Entry(SUBMISSION_SENT_COPY, "true",
                    "true or false: SMTP submission stores a copy in the sender's Sent mailbox (false for clients that APPEND their own; the API always stores one)."),
            new Entry(DNS_SERVERS, "",
                    "DNS servers for SPF, DKIM and DMARC lookups, as host:port list (e.g. 127.0.0.1:5353,[::1]:53); empty for the system's."),
            new Entry(DNS_CACHE_MAX_ENTRIES, "10000",
                    "DNS answers kept for their TTL by the sender checks and outbound delivery (0 to 10000000; 0 turns the cache off). Failures are never kept."),
            new Entry(DNS_CACHE_MIN_TTL, "0s",
                    "Shortest time a DNS answer is kept: smaller TTLs are raised to it (0s to 1h; 0s keeps TTLs as given, and a TTL of 0 is not kept)."),
            new Entry(DNS_CACHE_MAX_TTL, "1h", "Longest time a DNS answer is kept, whatever its TTL (0s to 24h)."),
            new Entry(DMARC_MONITOR_DOMAINS, "",
                    "Hosted domains (comma-separated) for which DMARC only reports: failing mail is neither rejected nor sent to Junk."),
            new Entry(ACCESS_TOKEN_LIFETIME, "15m", "Lifetime of an API access token (1m to 24h)."),
            new Entry(REFRESH_TOKEN_LIFETIME, "168h", "Lifetime of one refresh token; each use gives a new one (1h to 2160h)."),
            new Entry(SESSION_LIFETIME, "720h", "Longest a sign-in session lasts, however often it is refreshed (1h to 8760h)."),
            new Entry(SESSION_STATUS_MAX_AGE, "30s",
                    "How long a node may trust its cached \"session still live\" answer: the bound on how long a revoked "
                            + "session's access tokens keep working on other nodes (1s to 60s)."),
            new Entry(SIGNIN_LOCK_AFTER, "10",
                    "Failed sign-ins for one account from one address before that pair is locked (3 to 1000); delays grow before it."),
            new Entry(SIGNIN_LOCK_TIME, "15m", "How long such a lock lasts, and the window failures are counted in (1m to 24h)."),
            new Entry(GEOIP_TABLE, "",
                    "IP-to-location table for impossible-travel checks: a CSV file of cidr,latitude,longitude lines; empty for none."),
            new Entry(MAIL_QUOTA_BYTES, "0",
                    "Storage each user may hold, in bytes (suffixes KiB, MiB, GiB, TiB allowed; 0 for no quota). IMAP QUOTA "
                            + "reports it, IMAP APPEND enforces it, and SMTP delivery refuses a full account at RCPT TO "
                            + "(452 4.2.2; postmaster mail excepted)."),
            new Entry(IMAP_IDLE_KEEPALIVE, "2m",
                    "How often an IMAP IDLE with nothing to report sends \"* OK Still here\", to keep NAT and firewall "
                            + "state alive (1s to 29m)."),
            new Entry(IMAP_MAX_CONNECTIONS, "2000",
                    "Open IMAP connections in all, both ports; beyond it a new one gets * BYE (1 to 1000000)."),
            new Entry(IMAP_MAX_CONNECTIONS_PER_IP, "50", "Open IMAP connections from one client address (1 to 1000000)."),
            new Entry(API_MAIL_PAGE_MAX, "200",
                    "Most envelopes or search results one mail API page may ask for with limit (10 to 1000)."),
            new Entry(API_MAIL_SORT_MAX_MESSAGES, "5000",
                    "Largest mailbox the API sorts by date, from or subject (these read every message's sealed "
                            + "headers; sort by arrival has no bound) (100 to 100000)."),
            new Entry(API_MAIL_SEARCH_MAX_SCAN, "2000",
                    "Messages one API search request looks at before it answers with a cursor to go on (100 to 100000)."),
            new Entry(API_MAIL_SEARCH_MAX_BODIES, "200",
                    "Message bodies one API search request decrypts and decodes for a body criterion (1 to 10000)."),
            new Entry(MAIL_RENDER_MAX_PARTS, "500",
                    "MIME parts read of one message shown or fetched over the API; a message with more is shown "
                            + "truncated (10 to 10000)."),
            new Entry(OUTBOUND_TRANSPORT, "",
                    "Routing overrides for outbound mail, used before MX lookup, as domain=host:port list "
                            + "(e.g. example.net=127.0.0.1:10025,other.test=[::1]:2525)."),
            new Entry(OUTBOUND_TLS_REQUIRED_DOMAINS, "",
                    "Destination domains (comma-separated) reached only over STARTTLS with a certificate that chains to a "
                            + "trusted root and names the host; otherwise TLS is opportunistic."),
            new Entry(OUTBOUND_MAX_QUEUE_TIME, "120h",
                    "How long outbound mail is retried before it is given up and the sender gets a bounce (1s to 720h)."),
            new Entry(OUTBOUND_DELAY_NOTICE_AFTER, "4h",
                    "After this long undelivered, the sender gets one delay notice per recipient (1s to 720h)."),
            new Entry(OUTBOUND_RETRY_BASE, "5m",
                    "First wait before retrying a deferred recipient; each further attempt doubles it (1s to 24h)."),
            new Entry(OUTBOUND_RETRY_MAX, "1h", "Longest wait between two delivery attempts (1s to 24h)."),
            new Entry(OUTBOUND_WORKERS, "20", "Destinations delivered to at the same time, in all (1 to 1000)."),
            new Entry(OUTBOUND_CONNECTIONS_PER_DOMAIN, "4", "Connections at the same time to one destination domain (1 to 100)."),
            new Entry(OUTBOUND_CONNECT_TIMEOUT, "30s", "Longest wait for a remote SMTP server to accept a connection (1s to 5m)."),
            new Entry(OUTBOUND_COMMAND_TIMEOUT, "5m",
                    "Longest wait for a remote SMTP server's reply to one command; 10 minutes after the data (1s to 1h)."),
            new Entry(OUTBOUND_RELAY, "",
                    "Smarthost (host:port or [ipv6]:port) for all outbound mail without a routing override; always "
                            + "STARTTLS with a verified certificate; credentials set with ./postern relay set, stored sealed. "
                            + "Empty: deliver directly by MX."),
            new Entry(OUTBOUND_RELAY_CA, "",
                    "PEM file of the certificates to trust for the smarthost instead of the system's roots (a private "
                            + "relay's CA or its own certificate); empty for the system's roots."),
            new Entry(OUTBOUND_DANE, "true",
                    "true or false: honour DANE (RFC 7672) for MX delivery: when the MX and TLSA records are DNSSEC-"
                            + "validated (the AD bit of the dns_servers), STARTTLS with a certificate matching the TLSA "
                            + "records is required, else the mail waits. Protects only when dns_servers is a validating "
                            + "resolver on this host (e.g. unbound on 127.0.0.1); never applies to outbound_transport or outbound_relay."),
            new Entry(OUTBOUND_MX_PORT, "25",
                    "Port of the servers found by MX (or address) lookup (1 to 65535). Only test deployments change it."),
            new Entry(UNSAFE_IMAP_PLAINTEXT_LOGIN_ON_LOOPBACK, "false",
                    "For tests only: true lets IMAP clients on a loopback address log in without TLS (passwords in the clear). "
                            + "Never set it on a real server."));

    private static final Map<String, Entry> BY_KEY = index();

    private ConfigReference() {}

    /** All keys in documentation order. */
    public static List<Entry> entries() {
        return ENTRIES;
    }

    /** The known keys. */
    public static Set<String> keys() {
        return BY_KEY.keySet();
    }

    public static Optional<Entry> entry(String key) {
        return Optional.ofNullable(BY_KEY.get(key));
    }

    /** The README's configuration table in GitHub-flavoured Markdown. */
    public static String markdownTable() {
        StringBuilder out = new StringBuilder();
        out.append("| key | environment variable | default | description |\n");
        out.append("|---|---|---|---|\n");
        for (Entry entry : ENTRIES) {
            out.append("| `").append(entry.key()).append("` | `").append(entry.environmentVariable()).append("` | ")
                    .append(entry.defaultValue().isEmpty() ? "(empty)" : "`" + entry.defaultValue() + "`")
                    .append(" | ").append(entry.description().replace("|", "\\|")).append(" |\n");
        }
        return out.toString();
    }

    private static Map<String, Entry> index() {
        Map<String, Entry> map = new LinkedHashMap<>();
        for (Entry entry : ENTRIES) {
            if (map.put(entry.key(), entry) != null) {
                throw new IllegalStateException("duplicate configuration key " + entry.key());
            }
        }
        return java.util.Collections.unmodifiableMap(map);
    }
}
