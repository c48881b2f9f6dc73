package org.postern.server.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.Layout;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;

/**
 * Configures logback in code: one appender on standard output, plain or JSON lines, every message
 * and exception message redacted, noisy libraries held at WARN. Call once at startup, before
 * anything else logs; calling again replaces the previous setup.
 */
public final class LogSetup {
    /** Libraries that log too much at INFO; kept at WARN (or the root level, if stricter). */
    public static final List<String> QUIET_LOGGERS = List.of(
            "org.eclipse.jetty", "io.javalin", "com.zaxxer.hikari", "org.flywaydb", "org.jdbi", "org.sqlite",
            // DNS and SPF debug output names queries, which SPF macros can build from a sender's local part.
            "org.apache.james.jspf", "org.xbill",
            "org.postgresql", "org.apache.james");
    /** Flyway's migration progress ("Migrating schema ... to version ...") stays at INFO. */
    public static final List<String> FLYWAY_MIGRATION_LOGGERS = List.of(
            "org.flywaydb.core.internal.command.DbMigrate", "org.flywaydb.core.internal.command.DbValidate");

    private static final String APPENDER = "postern-stdout";

    private LogSetup() {}

    /**
     * @param format {@code plain} or {@code json}
     * @param level {@code error}, {@code warn}, {@code info} or {@code debug}
     * @throws IllegalArgumentException for any other value (the configuration loader checks first)
     */
    public static void configure(String format, String level) {
        install(format, level, null);
    }

    /** As {@link #configure}, writing to {@code out} instead of standard output (for tests). */
    static void configure(String format, String level, OutputStream out) {
        install(format, level, out);
    }

    private static void install(String format, String level, OutputStream out) {
        Layout<ILoggingEvent> layout = switch (String.valueOf(format).toLowerCase(Locale.ROOT)) {
            case "plain" -> new PlainLayout();
            case "json" -> new JsonLayout();
            default -> throw new IllegalArgumentException("log format must be plain or json");
        };
        Level rootLevel = switch (String.valueOf(level).toLowerCase(Locale.ROOT)) {
            case "error" -> Level.ERROR;
            case "warn" -> Level.WARN;
            case "info" -> Level.INFO;
            case "debug" -> Level.DEBUG;
            default -> throw new IllegalArgumentException("log level must be error, warn, info or debug");
        };
        ILoggerFactory factory = LoggerFactory.getILoggerFactory();
        if (!(factory instanceof LoggerContext context)) {
            throw new IllegalStateException("logback is not the SLF4J backend");
        }
        context.reset();

        layout.setContext(context);
        layout.start();
        LayoutWrappingEncoder<ILoggingEvent> encoder = new LayoutWrappingEncoder<>();
        encoder.setContext(context);
        encoder.setCharset(StandardCharsets.UTF_8);
        encoder.setLayout(layout);
        encoder.start();

        OutputStreamAppender<ILoggingEvent> appender;
        if (out == null) {
            ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
            console.setTarget("System.out");
            appender = console;
        } else {
            appender = new OutputStreamAppender<>();
            appender.setOutputStream(out);
        }
        appender.setName(APPENDER);
        appender.setContext(context);
        appender.setEncoder(encoder);
        appender.setImmediateFlush(true);
        appender.start();

        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(rootLevel);
        root.addAppender(appender);

        Level quiet = rootLevel.isGreaterOrEqual(Level.WARN) ? rootLevel : Level.WARN;
        for (String name : QUIET_LOGGERS) {
            context.getLogger(name).setLevel(quiet);
        }
        for (String name : FLYWAY_MIGRATION_LOGGERS) {
            context.getLogger(name).setLevel(rootLevel);
        }
    }
}
