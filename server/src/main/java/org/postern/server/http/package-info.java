/**
 * The HTTPS listener: Javalin on Jetty, TLS only, virtual threads.
 *
 * <p>SECURITY: this package is exposed to anyone who can reach {@code bind:http_port}, before
 * any authentication: request lines, headers and bodies are untrusted and bounded (header bytes,
 * {@code http_max_request_bytes}, idle timeout). It can reach only the TLS material and the
 * readiness check it is given; routes that reach mail are added by the wiring and must go through
 * the access policy. Responses are fixed JSON with the security headers; exceptions are logged
 * with a correlation id and never shown. {@link org.postern.server.http.RequestGuard} rate-limits
 * per client address (stricter on sign-in routes) and per authenticated user, answers CORS only
 * for configured origins, and writes the access log (route templates and user ids only).
 */
package org.postern.server.http;
