/**
 * The versioned JSON API ({@code /api/v1}) over the HTTPS listener.
 *
 * <p>SECURITY: exposed to anyone who can reach the HTTPS port. Requests are authenticated only by
 * a bearer credential in the Authorization header (an access token or an API token; for the
 * SimpleLogin-compatible alias route, an API token in its Authentication header) — never by a
 * cookie, so a cross-site request carries no authority (CSRF-proof by construction). Request
 * bodies must be JSON objects, bounded by the listener's body limit; unknown fields are ignored,
 * missing or ill-typed ones are a 400. Every decision about who may touch what is taken by the
 * identity service and the access policy, never here; this package only translates. Errors are
 * fixed codes; only input-validation messages (which describe the client's own input) are shown.
 * Ids in paths are opaque UUIDs looked up in the caller's scope; another tenant's id is "not
 * found". Every route is described in {@code openapi/postern.yaml}; a test fails on any that is not.
 */
package org.postern.server.http.api;
