package org.postern.codec.smtp;

import java.util.Objects;

/** What {@link SmtpCommandParser} made of one line: a command, or the reply that refuses it. */
public sealed interface ParseResult {

    /** A valid command. */
    record Parsed(SmtpCommand command) implements ParseResult {
        public Parsed {
            Objects.requireNonNull(command);
        }
    }

    /**
     * A refused line and the generic reply to send.
     *
     * @param closeConnection when true the session must send the reply and close: the codec can no
     *     longer tell where the client's next command starts (a malformed BDAT, whose chunk is
     *     already on its way and cannot be skipped)
     */
    record Rejected(SmtpReply reply, boolean closeConnection) implements ParseResult {
        public Rejected {
            Objects.requireNonNull(reply);
        }

        Rejected(SmtpReply reply) {
            this(reply, false);
        }
    }
}
