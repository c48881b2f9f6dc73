package org.postern.server.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.LayoutBase;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.event.KeyValuePair;

/**
 * One JSON object per line: {@code ts, level, logger, msg, thread}, then MDC entries and key-value
 * pairs as further fields (prefixed {@code mdc_} if they would clash), then {@code exception}
 * with the stack trace. Every string that may carry data passes through the redaction helper.
 */
public final class JsonLayout extends LayoutBase<ILoggingEvent> {
    private static final Set<String> RESERVED = Set.of("ts", "level", "logger", "msg", "thread", "exception");
    private static final JsonFactory JSON = new JsonFactory();

    @Override
    public String doLayout(ILoggingEvent event) {
        StringWriter buffer = new StringWriter(256);
        try (JsonGenerator json = JSON.createGenerator(buffer)) {
            json.writeStartObject();
            json.writeStringField("ts", Instant.ofEpochMilli(event.getTimeStamp()).toString());
            json.writeStringField("level", event.getLevel().toString());
            json.writeStringField("logger", event.getLoggerName());
            json.writeStringField("msg", RedactedEvent.message(event));
            json.writeStringField("thread", RedactedEvent.text(event.getThreadName()));
            Map<String, String> extra = new TreeMap<>();
            Map<String, String> mdc = event.getMDCPropertyMap();
            if (mdc != null) {
                mdc.forEach((k, v) -> extra.put(fieldName(k), RedactedEvent.text(v)));
            }
            if (event.getKeyValuePairs() != null) {
                for (KeyValuePair pair : event.getKeyValuePairs()) {
                    extra.put(fieldName(pair.key), RedactedEvent.text(String.valueOf(pair.value)));
                }
            }
            for (Map.Entry<String, String> e : extra.entrySet()) {
                json.writeStringField(e.getKey(), e.getValue());
            }
            String stack = RedactedEvent.throwable(event);
            if (!stack.isEmpty()) {
                json.writeStringField("exception", stack);
            }
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return buffer.append(CoreConstants.LINE_SEPARATOR).toString();
    }

    private static String fieldName(String key) {
        String k = key == null ? "null" : RedactedEvent.text(key);
        return RESERVED.contains(k) ? "mdc_" + k : k;
    }
}
