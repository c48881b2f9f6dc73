/**
 * Logging setup: logback on standard output, plain or JSON lines.
 *
 * <p>SECURITY: every message, MDC value and exception message passes through
 * {@link org.postern.model.Redact#text(String)}, so addresses appear as {@code ***@domain} whoever
 * logged them; plain lines escape CR/LF so client input cannot forge log lines.
 */
package org.postern.server.logging;
