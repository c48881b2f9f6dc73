package org.postern.server.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.LayoutBase;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * One line per event: {@code 2026-11-02T10:15:30.123Z INFO  org.postern.X - message}, the message
 * redacted and kept on one line; a stack trace follows on its own lines, its messages redacted too.
 */
public final class PlainLayout extends LayoutBase<ILoggingEvent> {
    static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSX").withZone(ZoneOffset.UTC);

    @Override
    public String doLayout(ILoggingEvent event) {
        StringBuilder out = new StringBuilder(160);
        out.append(TIME.format(Instant.ofEpochMilli(event.getTimeStamp())))
                .append(' ')
                .append(String.format("%-5s", event.getLevel().toString()))
                .append(' ')
                .append(event.getLoggerName())
                .append(" - ")
                .append(RedactedEvent.singleLine(RedactedEvent.message(event)))
                .append(CoreConstants.LINE_SEPARATOR)
                .append(RedactedEvent.throwable(event));
        return out.toString();
    }
}
