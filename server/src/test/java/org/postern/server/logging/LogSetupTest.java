package org.postern.server.logging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

class LogSetupTest {
    private static final Logger LOG = LoggerFactory.getLogger("org.postern.test.Delivery");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    @AfterAll
    static void restoreDefaults() {
        LogSetup.configure("plain", "info");
    }

    private String output() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private List<JsonNode> jsonLines() throws Exception {
        List<JsonNode> nodes = new java.util.ArrayList<>();
        for (String line : output().split("\n")) {
            nodes.add(JSON.readTree(line));
        }
        return nodes;
    }

    @Test
    void plainLinesRedactAddresses() {
        LogSetup.configure("plain", "info", out);

        LOG.info("delivered to {} from <bob@example.net>", "alice@example.org");

        assertThat(output()).contains("delivered to ***@example.org from <***@example.net>")
                .doesNotContain("alice").doesNotContain("bob@")
                .matches("(?s)\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z INFO  org\\.postern\\.test\\.Delivery - .*\\n");
    }

    @Test
    void jsonLinesParseAndRedactAddresses() throws Exception {
        LogSetup.configure("json", "info", out);
        MDC.put("session", "s-42");
        MDC.put("user", "carol@example.org");
        try {
            LOG.info("delivered to alice@example.org");
            LOG.warn("second \"line\"\nwith a newline");
        } finally {
            MDC.clear();
        }

        List<JsonNode> lines = jsonLines();
        assertThat(lines).hasSize(2);
        JsonNode first = lines.getFirst();
        assertThat(first.get("msg").asText()).isEqualTo("delivered to ***@example.org");
        assertThat(first.get("level").asText()).isEqualTo("INFO");
        assertThat(first.get("logger").asText()).isEqualTo("org.postern.test.Delivery");
        assertThat(first.get("thread").asText()).isNotEmpty();
        assertThat(first.get("ts").asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
        assertThat(first.get("session").asText()).isEqualTo("s-42");
        assertThat(first.get("user").asText()).isEqualTo("***@example.org");
        assertThat(lines.get(1).get("msg").asText()).isEqualTo("second \"line\"\nwith a newline");
        assertThat(output()).doesNotContain("alice").doesNotContain("carol");
    }

    @Test
    void exceptionMessagesAreRedactedInBothFormatsButStackFramesStay() throws Exception {
        Exception failure = new IllegalStateException("cannot deliver to alice@example.org",
                new RuntimeException("mailbox of dave@example.com is full"));

        LogSetup.configure("plain", "info", out);
        LOG.error("delivery failed", failure);
        assertThat(output()).contains("java.lang.IllegalStateException: cannot deliver to ***@example.org")
                .contains("Caused by: java.lang.RuntimeException: mailbox of ***@example.com is full")
                .contains("\tat org.postern.server.logging.LogSetupTest.")
                .doesNotContain("alice").doesNotContain("dave");

        out.reset();
        LogSetup.configure("json", "info", out);
        LOG.error("delivery failed", failure);
        JsonNode line = jsonLines().getFirst();
        assertThat(line.get("exception").asText()).contains("cannot deliver to ***@example.org").contains("\tat ")
                .doesNotContain("alice").doesNotContain("dave");
    }

    @Test
    void plainMessagesCannotForgeExtraLines() {
        LogSetup.configure("plain", "info", out);

        LOG.info("user said: hello\r\n2026-01-01T00:00:00.000Z ERROR fake - injected");

        assertThat(output().lines()).hasSize(1);
        assertThat(output()).contains("hello\\r\\n2026-01-01");
    }

    @Test
    void theLevelFiltersAndNoisyLibrariesStayAtWarn() {
        LogSetup.configure("plain", "debug", out);

        LOG.debug("debug shown");
        LoggerFactory.getLogger("org.eclipse.jetty.server.Server").info("jetty chatter");
        LoggerFactory.getLogger("com.zaxxer.hikari.HikariDataSource").info("pool chatter");
        LoggerFactory.getLogger("org.flywaydb.core.internal.command.DbMigrate").info("Migrating schema to version 2");
        LoggerFactory.getLogger("org.flywaydb.core.FlywayExecutor").info("flyway chatter");
        LoggerFactory.getLogger("org.eclipse.jetty.server.Server").warn("jetty warning");

        assertThat(output()).contains("debug shown").contains("Migrating schema to version 2").contains("jetty warning")
                .doesNotContain("chatter");

        out.reset();
        LogSetup.configure("plain", "error", out);
        LOG.warn("warn hidden");
        LoggerFactory.getLogger("org.eclipse.jetty.server.Server").warn("jetty warning hidden");
        LoggerFactory.getLogger("org.flywaydb.core.internal.command.DbMigrate").info("migration hidden");
        LOG.error("error shown");
        assertThat(output()).contains("error shown").doesNotContain("hidden");
    }

    @Test
    void unknownFormatsAndLevelsAreRefused() {
        assertThatThrownBy(() -> LogSetup.configure("xml", "info")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LogSetup.configure("plain", "trace")).isInstanceOf(IllegalArgumentException.class);
    }
}
