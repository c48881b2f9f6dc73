/**
 * Postern's configuration: one {@code key = value} file plus {@code POSTERN_<KEY>} environment
 * overrides, validated into a {@link org.postern.server.config.Config}.
 *
 * <p>SECURITY: input comes from the operator (file, environment, options), not from clients. Anything
 * unknown or malformed refuses to start; weak database passwords are refused and secret values are
 * never echoed in errors or in {@code toString}. {@link org.postern.server.config.ConfigReference}
 * is the single list of keys.
 */
package org.postern.server.config;
