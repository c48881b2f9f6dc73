package org.postern.server.config;

/**
 * The configuration cannot be used, so Postern refuses to start. The message is for the operator:
 * it names the key and where it was set (file:line or environment variable), never a secret value.
 */
public final class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
