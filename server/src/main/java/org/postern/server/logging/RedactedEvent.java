package org.postern.server.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.StackTraceElementProxy;
import ch.qos.logback.core.CoreConstants;
import org.postern.model.Redact;

/** The parts of a log event, each passed through {@link Redact#text(String)} before it is written. */
final class RedactedEvent {
    private static final int MAX_CAUSE_DEPTH = 16;

    private RedactedEvent() {}

    static String message(ILoggingEvent event) {
        return Redact.text(event.getFormattedMessage());
    }

    static String text(String text) {
        return text == null ? "" : Redact.text(text);
    }

    /** The message on one line: CR, LF and other control characters are escaped so nobody can forge log lines. */
    static String singleLine(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 && c != '\t' || c == 0x7f) {
                if (out == null) {
                    out = new StringBuilder(text.length() + 16).append(text, 0, i);
                }
                switch (c) {
                    case '\n' -> out.append("\\n");
                    case '\r' -> out.append("\\r");
                    default -> out.append(String.format("\\u%04x", (int) c));
                }
            } else if (out != null) {
                out.append(c);
            }
        }
        return out == null ? text : out.toString();
    }

    /** The stack trace with every exception message redacted (and kept on its line), or "" without one. */
    static String throwable(ILoggingEvent event) {
        IThrowableProxy proxy = event.getThrowableProxy();
        if (proxy == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(2048);
        append(out, proxy, "", "", 0);
        return out.toString();
    }

    private static void append(StringBuilder out, IThrowableProxy proxy, String prefix, String indent, int depth) {
        out.append(indent).append(prefix).append(proxy.getClassName());
        String message = proxy.getMessage();
        if (message != null) {
            out.append(": ").append(singleLine(Redact.text(message)));
        }
        out.append(CoreConstants.LINE_SEPARATOR);
        if (proxy.isCyclic()) {
            return;
        }
        StackTraceElementProxy[] frames = proxy.getStackTraceElementProxyArray();
        int common = proxy.getCommonFrames();
        int shown = frames == null ? 0 : frames.length - common;
        for (int i = 0; i < shown; i++) {
            out.append(indent).append("\tat ").append(Redact.text(frames[i].getStackTraceElement().toString()))
                    .append(CoreConstants.LINE_SEPARATOR);
        }
        if (common > 0) {
            out.append(indent).append("\t... ").append(common).append(" common frames omitted").append(CoreConstants.LINE_SEPARATOR);
        }
        if (depth >= MAX_CAUSE_DEPTH) {
            return;
        }
        IThrowableProxy[] suppressed = proxy.getSuppressed();
        if (suppressed != null) {
            for (IThrowableProxy s : suppressed) {
                append(out, s, "Suppressed: ", indent + "\t", depth + 1);
            }
        }
        if (proxy.getCause() != null) {
            append(out, proxy.getCause(), "Caused by: ", indent, depth + 1);
        }
    }
}
