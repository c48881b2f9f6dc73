/**
 * SMTP listeners and sessions.
 *
 * <p>SECURITY: everything a session reads comes from an unauthenticated peer on the network:
 * command lines, envelope addresses, message data, TLS handshakes. Parsing is the codec's
 * (bounded, no storage); a session decides nothing about access itself: it asks the mail
 * {@code Directory} whether a recipient exists (through the access policy, with a timeout that
 * fails closed to 451), asks the mta checks about the sender, and hands accepted mail to the
 * mta {@code Intake}, the only writer. It never touches storage. Every limit (line length,
 * message size, recipients, connections per address, rates, idle and session time, errors) is
 * from {@link org.postern.smtp.SmtpSettings}; replies never carry internal details.
 */
package org.postern.smtp;
