/**
 * The IMAP protocol codec: command reading and parsing (IMAP4rev1, IMAP4rev2 and the extensions
 * Postern offers), response encoding, mailbox-name encodings, LIST patterns, sequence sets and
 * dates, for Postern's IMAP listener.
 *
 * <h2>SECURITY</h2>
 * <p>Everything here handles bytes from the internet, most of it before authentication: command
 * lines, literals of any announced size, APPEND messages, SASL responses, from any client that
 * can open a TCP connection, including clients that pipeline, split, announce literals they do
 * not mean to send or send literals they did not announce, over-lengthen, nest without end,
 * send NUL, bare CR or LF, invalid UTF-8 or modified UTF-7, HTTP requests, or plain text behind
 * STARTTLS. The code can reach nothing but the {@code InputStream} and {@code OutputStream} it is
 * handed and the model's value types: no files, no network, no storage, no logging, no clock.
 * Every read is bounded by {@link org.postern.codec.imap.ImapLimits} (line, command, literal,
 * APPEND message, nesting, tokens, messages per APPEND, discard, buffer); memory per connection
 * is the input buffer plus a command buffer that grows only as far as a command needs and
 * shrinks after it, and an APPEND message is never held. Matching is linear: LIST patterns run
 * through an automaton, never a backtracking matcher. Every refusal is a fixed, generic
 * {@link org.postern.codec.imap.Refusal} that never echoes input. Deciding whether a command is
 * allowed now, whether a mailbox exists (and saying so no differently for "not yours"), and when
 * to answer OK to an APPEND (only once it is durable) belongs to the session.
 *
 * <h2>Driving one connection</h2>
 * <pre>{@code
 * ImapInput in = new ImapInput(socket.getInputStream(), limits);        // one buffer per connection
 * ImapCommandReader reader = new ImapCommandReader(in, ImapLimits.preAuthentication());
 * ImapResponseWriter out = new ImapResponseWriter(new BufferedOutputStream(socket.getOutputStream()));
 * while (true) {
 *   switch (reader.next()) {
 *     case ReadResult.Command c -> handle(c.command());          // one op class per command
 *     case ReadResult.Rejected r -> { out.write(r.response()); drop staged APPEND of r.tag();
 *                                     if (r.closeConnection()) { out.write(BYE); close; } errors++; }
 *     case ReadResult.LiteralAnnounced a -> {                    // nothing read, nothing reserved
 *       if (acceptable(a)) { out.write(ImapResponse.goAhead()); out.flush(); reader.acceptLiteral(); }
 *       else { out.write(tagged NO [TRYCREATE] / NO [OVERQUOTA] / BAD); reader.refuseLiteral(); }
 *     }
 *     case ReadResult.AppendData d -> stage(d.message(), d.body()); // bounded stream; unread rest is skipped
 *     case ReadResult.EndOfStream e -> close;
 *   }
 *   out.flush();
 * }
 * }</pre>
 * <ul>
 *   <li><b>Literals</b>: a synchronising literal ({@code {n}}) that is within the limits comes
 *       as {@code LiteralAnnounced} (for an APPEND message with its mailbox, flags and date), so
 *       the session answers {@code + go ahead} or a tagged NO/BAD before a byte of it is read;
 *       one over the limits is refused by the reader at once ({@code BAD [TOOBIG]}, or
 *       {@code NO [TOOBIG]} for an APPEND over APPENDLIMIT), and the client, still waiting for a
 *       continuation, never sends it. A non-synchronising literal ({@code {n+}}, {@code {n-}}) is
 *       already on its way: within the limits it is read; otherwise the command is refused and
 *       the literal and the rest of the command are read and thrown away up to
 *       {@code maxDiscardBytes}, past which the refusal says {@code closeConnection}. Under
 *       LITERAL- ({@code literalPlus = false}) a non-synchronising literal over 4096 octets is
 *       refused that way (RFC 7888 §4).</li>
 *   <li><b>APPEND</b>: each message arrives as {@code AppendData} with a stream of exactly its
 *       size; the command completes as {@link org.postern.codec.imap.ImapCommand.Append} (commit
 *       everything staged for the tag, then OK [APPENDUID]) or as {@code Rejected} (drop it).</li>
 *   <li><b>AUTHENTICATE</b>: send the challenge, then {@link
 *       org.postern.codec.imap.ImapCommandReader#readSaslResponse()}. <b>IDLE</b>: send
 *       {@code + idling}, then {@link org.postern.codec.imap.ImapCommandReader#readIdleEnd()}
 *       (updates are written from elsewhere meanwhile; serialise the writer).</li>
 *   <li><b>STARTTLS</b> (CVE-2011-0411 and its IMAP variants): send the tagged OK, then
 *       {@code int injected = in.retire()} (log when non-zero), handshake, and build a new input
 *       and reader over the TLS stream. The old input refuses every later read.</li>
 *   <li><b>After LOGIN</b>: {@code reader.useLimits(ImapLimits.defaults())}. <b>After ENABLE
 *       UTF8=ACCEPT</b> (or IMAP4rev2): {@code reader.setUtf8(true)} and {@code out.setUtf8(true)}.</li>
 *   <li><b>Sequence sets</b>: check {@code set.largestNumber()} against the message count (BAD
 *       for a sequence number that does not exist), substitute {@code $}, then
 *       {@code set.resolve(max)}: intervals, never a list of numbers.</li>
 *   <li>Any {@code IOException} (including a read timeout) leaves the position unknown: close.</li>
 * </ul>
 *
 * <h2>Decisions</h2>
 * <ul>
 *   <li>Line ends: only CRLF. A line ended by a bare LF is refused (BAD) and not executed. Real
 *       clients send CRLF; Postern does not guess.</li>
 *   <li>Any line that ends in a literal announcement is treated as announcing one, even a line
 *       that is refused, so a literal's bytes are never read as commands.</li>
 *   <li>Lenient in exactly one place: quoted strings may carry valid UTF-8 before
 *       {@code ENABLE UTF8=ACCEPT} (as Dovecot allows); mailbox names stay strict modified UTF-7
 *       then, and only the canonical encoding of a name is accepted.</li>
 *   <li>{@code INBOX} is case-insensitive as a whole name only. A LIST pattern starting with the
 *       delimiter ignores the reference; otherwise the reference is prefixed as is.</li>
 *   <li>HTTP request lines are refused and the connection closed (cross-protocol requests).</li>
 *   <li>Not parsed (answered BAD as unknown): SETQUOTA, COMPRESS, NOTIFY, METADATA, CATENATE and
 *       APPEND's UTF8 data item (RFC 6855), THREAD.</li>
 * </ul>
 */
package org.postern.codec.imap;
