/**
 * The SMTP protocol codec: command-line reading and parsing, DATA and BDAT readers, and reply
 * encoding for Postern's SMTP listener.
 *
 * <h2>SECURITY</h2>
 * <p>Everything here handles bytes from the internet before any authentication: command lines,
 * SASL responses and message data from any client that can open a TCP connection, including
 * clients that pipeline, split, over-lengthen, interleave bare CR/LF, send NUL or invalid UTF-8,
 * or try to smuggle a second message or plain-text commands past STARTTLS. The code can reach
 * nothing but the {@code InputStream} and {@code OutputStream} it is handed and the model's value
 * types: no files, no network, no storage, no DNS (address literals are parsed without lookup),
 * no logging, no clock. Every read is bounded by {@link org.postern.codec.smtp.SmtpLimits}
 * (line, AUTH line, message, discard and buffer sizes); memory per connection is constant. Every
 * refusal is a fixed, generic {@link org.postern.codec.smtp.SmtpReply} that never echoes input.
 * Deciding whether a command is allowed now, whether a domain is hosted or a mailbox exists,
 * and when to reply 250 after DATA, belongs to the session.
 *
 * <h2>Driving one connection</h2>
 * <pre>{@code
 * SmtpInput in = new SmtpInput(socket.getInputStream(), limits);   // one buffer per connection
 * SmtpLineReader lines = new SmtpLineReader(in, limits);            // all three share it
 * DataReader data = new DataReader(in, limits);
 * SmtpCommandParser parser = new SmtpCommandParser(limits);
 * while (true) {
 *   switch (lines.readLine()) {
 *     case LineResult.Line l -> switch (parser.parse(l)) {
 *       case ParseResult.Rejected r -> { send(r.reply()); if (r.closeConnection()) close; errors++; }
 *       case ParseResult.Parsed p -> handle(p.command());
 *     }
 *     case LineResult.TooLong t -> { send(t.reply()); errors++; }
 *     case LineResult.BareLineFeed b -> { send(b.reply()); errors++; }
 *     case LineResult.DiscardLimitExceeded d -> { send(d.reply()); close; }
 *     case LineResult.EndOfStream e -> close;
 *   }
 * }
 * }</pre>
 * <ul>
 *   <li><b>DATA</b>: if {@code in.hasBufferedInput()} the client sent message data before the 354
 *       (RFC 2920 forbids it): send {@link org.postern.codec.smtp.SmtpReply#PIPELINING_NOT_ALLOWED}
 *       and close, because those bytes are message content and must not be read as commands.
 *       Otherwise send 354 and call {@code data.read(out)}; the next {@code readLine()} continues
 *       exactly after the CRLF.CRLF, whatever the client pipelined behind it.</li>
 *   <li><b>BDAT</b>: one {@link org.postern.codec.smtp.BdatReader} per transaction; after every
 *       parsed BDAT call {@code read(size, last, out)}, even to refuse (null output stream).</li>
 *   <li><b>STARTTLS</b> (CVE-2011-0411): send 220, then {@code int injected = in.retire()}
 *       (log when non-zero: plain text pipelined after STARTTLS is discarded, never executed),
 *       do the handshake on the socket, and build a new {@code SmtpInput}, line reader, data
 *       reader over the TLS stream; forget EHLO, MAIL, RCPT and AUTH state (RFC 3207 §4.2). The
 *       old input refuses every later read. {@code in.hasPendingInput()} also detects clients
 *       that talk before the greeting.</li>
 *   <li>Any {@code IOException} (including a read timeout) leaves the position unknown: close.</li>
 * </ul>
 *
 * <h2>Decisions</h2>
 * <ul>
 *   <li>Line endings: only CRLF ends a command line; a bare-LF line is refused (500 5.5.2) and
 *       not executed. DATA ends only at CRLF.CRLF; any bare CR or LF voids the message (550
 *       5.6.11) but the reader resynchronises at the real end, closing only past
 *       maxDiscardBytes. See {@link org.postern.codec.smtp.DataReader}.</li>
 *   <li>Lenient in exactly three places: one space after {@code FROM:}/{@code TO:}; underscores
 *       in EHLO/HELO names; a source route ({@code <@a,@b:u@d>}) is accepted and stripped
 *       (RFC 5321 Appendix C), kept only in the raw path.</li>
 *   <li>SMTPUTF8: UTF-8 is allowed only inside MAIL/RCPT paths and must be valid. MAIL with a
 *       UTF-8 path but without the SMTPUTF8 parameter is refused (553 5.6.7); RCPT cannot see the
 *       transaction, so it accepts and flags ({@link org.postern.codec.smtp.Mailbox#utf8()}).</li>
 *   <li>Unknown MAIL/RCPT parameters are refused (555) unless the parser was built to pass them
 *       through; SIZE above the limit is refused at MAIL (552 5.3.4).</li>
 *   <li>A malformed BDAT closes the connection: its chunk cannot be skipped.</li>
 *   <li>HTTP verbs close the connection (cross-protocol requests).</li>
 * </ul>
 */
package org.postern.codec.smtp;
