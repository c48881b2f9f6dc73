/**
 * The web app's static files: HTML, CSS and JavaScript modules served by the HTTPS listener at
 * {@code /} and {@code /web/...}.
 *
 * <p>SECURITY: sees only the request path (never a body). It serves a fixed manifest of files read
 * from the jar at start-up, one exact route per file, so no request path is ever turned into a
 * file name: no directory listing, no traversal, no file outside the manifest. Each file's type
 * comes from the manifest's own extension list (HTML, CSS, JavaScript, SVG only). App responses
 * carry {@link org.postern.server.http.SecurityHeaders#WEB_APP}: a CSP without inline script or
 * style, eval, third-party origins or framing by others. The app itself handles no secret on the
 * server side; it is a client of the JSON API like any other.
 */
package org.postern.server.http.web;
