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
 *
 * <p>Submission ({@link org.postern.smtp.SubmissionServer}, {@link org.postern.smtp.SubmissionSession})
 * is a separate session class, so the MX session has no AUTH path to weaken. Before sign-in it
 * can only greet, start TLS and authenticate; AUTH is refused without TLS; credentials go only to
 * the identity authority's {@code ProtocolAuthenticator}, which throttles and audits. After
 * sign-in, senders and From:/Sender: addresses are checked against the user's own active
 * addresses in the directory (through the access policy), remote recipients are refused (no
 * outbound queue yet), and accepted mail is DKIM-signed for its From: domain (mta's
 * {@code DkimSigning}; the session only passes the domain it has just checked) and goes to
 * {@code Intake} with a copy in the sender's Sent.
 */
package org.postern.smtp;
