/**
 * A signed-in user's mail for the JSON API (and the web app on it): {@link org.postern.mail.webmail.Webmail}.
 *
 * <p>SECURITY: called by the HTTP front end with a {@link org.postern.access.Caller.User} that the
 * identity service authenticated; every read and write goes through the access policy's scope
 * for that user alone, so ids of other users' or tenants' messages, mailboxes, addresses and parts
 * answer "not found" like missing ones. Inputs from the request (cursor, limit, sort, flags, part
 * ids, search text) are validated here before any storage is read; message content is rendered
 * only through {@code org.postern.mail.render}.
 */
package org.postern.mail.webmail;
