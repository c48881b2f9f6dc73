package org.postern.codec.imap;

import java.util.Objects;
import java.util.Optional;

/** What {@link ImapCommandParser} made of one complete command: the command, or why it was refused. */
public sealed interface ParseResult {

    /** A valid command. */
    record Parsed(ImapCommand command) implements ParseResult {
        public Parsed {
            Objects.requireNonNull(command);
        }
    }

    /**
     * A refused command. The session answers {@link #response()} and continues: the command is
     * over, whatever it held.
     *
     * @param tag the command's tag when it had a valid one
     */
    record Rejected(Optional<String> tag, Refusal refusal) implements ParseResult {
        public Rejected {
            Objects.requireNonNull(tag);
            Objects.requireNonNull(refusal);
        }

        public ImapResponse response() {
            return refusal.response(tag);
        }
    }
}
