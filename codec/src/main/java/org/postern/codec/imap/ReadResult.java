package org.postern.codec.imap;

import java.io.InputStream;
import java.util.Objects;
import java.util.Optional;

/** What {@link ImapCommandReader#next()} found on the connection. */
public sealed interface ReadResult {

    /** A complete, valid command. */
    record Command(ImapCommand command) implements ReadResult {
        public Command {
            Objects.requireNonNull(command);
        }
    }

    /**
     * A refused command; everything the client sent for it has been consumed (or, for a
     * synchronising literal, was never sent). Send {@link #response()}; if
     * {@code closeConnection}, then send {@code * BYE} and close: the reader can no longer tell
     * where the next command starts, or the client is not speaking IMAP. A session that was
     * staging an APPEND for this tag drops what it staged.
     *
     * @param tag the command's tag, when it had a valid one
     */
    record Rejected(Optional<String> tag, Refusal refusal, boolean closeConnection) implements ReadResult {
        public Rejected {
            Objects.requireNonNull(tag);
            Objects.requireNonNull(refusal);
        }

        public ImapResponse response() {
            return refusal.response(tag);
        }
    }

    /**
     * One APPEND message, as far as it is known before its content: the target mailbox, its
     * position in a MULTIAPPEND (0 for the first), its flags, date and size.
     */
    record IncomingMessage(MailboxName mailbox, int index, ImapCommand.AppendMessage message) {
        public IncomingMessage {
            Objects.requireNonNull(mailbox);
            Objects.requireNonNull(message);
        }
    }

    /**
     * The client announced a synchronising literal and waits. Nothing of it has been read and no
     * memory reserved for it. The session decides now: send {@link ImapResponse#goAhead()} and
     * call {@link ImapCommandReader#acceptLiteral()}, or send a tagged NO/BAD (for example
     * {@code NO [TRYCREATE]}, {@code NO [OVERQUOTA]}) and call
     * {@link ImapCommandReader#refuseLiteral()}; the client then abandons the command.
     * The size is already within the limits.
     *
     * @param command the command's name ({@code LOGIN}, {@code UID SEARCH}, {@code APPEND})
     * @param message for an APPEND message: where it is going and what it is
     */
    record LiteralAnnounced(String tag, String command, long size, Optional<IncomingMessage> message)
            implements ReadResult {
        public LiteralAnnounced {
            Objects.requireNonNull(tag);
            Objects.requireNonNull(command);
            Objects.requireNonNull(message);
        }
    }

    /**
     * The content of one APPEND message, streamed: {@code body} yields exactly
     * {@code message().message().size()} octets and then end of stream (an
     * {@link java.io.EOFException} if the client disconnects first), and is valid only until the
     * next call to {@link ImapCommandReader#next()}, which skips whatever was left unread (so a
     * session refusing the message just does not read it). The command completes later with
     * {@link Command} of {@link ImapCommand.Append} or with {@link Rejected}.
     */
    record AppendData(String tag, IncomingMessage message, InputStream body) implements ReadResult {
        public AppendData {
            Objects.requireNonNull(tag);
            Objects.requireNonNull(message);
            Objects.requireNonNull(body);
        }

        @Override
        public String toString() {
            return "AppendData[tag=" + tag + ", message=" + message + "]";
        }
    }

    /**
     * The client closed the connection.
     *
     * @param unterminatedBytes how much of an unfinished command was held (at least 1 when a
     *     command was under way; 0 when the client closed between commands). An unfinished
     *     command is never executed
     */
    record EndOfStream(long unterminatedBytes) implements ReadResult {}
}
