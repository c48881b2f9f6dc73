package org.postern.server.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ConfigReferenceTest {

    @Test
    void everyKeyIsLowerSnakeCaseAndDescribed() {
        assertThat(ConfigReference.entries()).isNotEmpty().allSatisfy(e -> {
            assertThat(e.key()).matches("[a-z][a-z0-9_]*");
            assertThat(e.description()).isNotBlank();
            assertThat(e.environmentVariable()).isEqualTo("POSTERN_" + e.key().toUpperCase());
        });
    }

    @Test
    void theMarkdownTableHasARowForEveryKey() {
        String table = ConfigReference.markdownTable();

        assertThat(table.lines()).hasSize(ConfigReference.entries().size() + 2);
        for (ConfigReference.Entry e : ConfigReference.entries()) {
            assertThat(table).contains("| `" + e.key() + "` | `" + e.environmentVariable() + "` |");
        }
        assertThat(table).contains("`36700160`").contains("`8443`");
    }

    @Test
    void theLoaderKnowsExactlyTheDocumentedKeys() {
        assertThat(ConfigReference.keys()).contains("data_dir", "bind", "hostname", "smtp_port", "submission_port",
                "submissions_port", "imap_port", "imaps_port", "http_port", "db_url", "db_user", "db_password", "db_migration_user", "db_migration_password",
                "tls_cert", "tls_key", "log_format", "log_level", "max_message_bytes", "http_max_request_bytes",
                "smtp_max_recipients", "smtp_max_connections", "smtp_max_connections_per_ip",
                "smtp_messages_per_minute_per_ip", "smtp_recipients_per_minute_per_ip",
                "smtp_messages_per_minute_per_domain", "smtp_messages_per_minute_by_domain", "smtp_idle_timeout", "smtp_max_session_time",
                "smtp_recipient_check_timeout", "smtp_max_line_bytes", "smtp_max_errors", "dns_servers", "dns_cache_max_entries", "dns_cache_min_ttl", "dns_cache_max_ttl",
                "dmarc_monitor_domains", "unsafe_imap_plaintext_login_on_loopback", "submission_max_message_bytes",
                "submission_max_recipients", "submission_messages_per_hour", "submission_sent_copy", "mail_quota_bytes",
                "imap_idle_keepalive", "imap_max_connections", "imap_max_connections_per_ip", "http_cors_origins", "http_rate_user_per_second", "http_rate_user_burst",
                "http_rate_ip_per_second", "http_rate_ip_burst", "http_rate_sign_in_per_minute",
                "http_rate_sign_in_burst", "api_mail_page_max", "api_mail_sort_max_messages", "api_mail_search_max_scan",
                "api_mail_search_max_bodies", "mail_render_max_parts", "outbound_transport", "outbound_tls_required_domains",
                "outbound_max_queue_time", "outbound_delay_notice_after", "outbound_retry_base", "outbound_retry_max",
                "outbound_workers", "outbound_connections_per_domain", "outbound_connect_timeout",
                "outbound_command_timeout", "outbound_relay", "outbound_relay_ca", "outbound_dane", "outbound_mx_port")
                .hasSize(79);
    }
}
