package org.postern.codec.imap;

import java.util.List;
import java.util.Optional;

/**
 * Why the codec refused a command, with the fixed, generic response it is answered with. The
 * texts never echo what the client sent.
 */
public enum Refusal {
    /** The line does not start with a valid tag (answered untagged). */
    MISSING_TAG(ImapResponse.Status.BAD, null, "Missing or invalid tag"),
    UNKNOWN_COMMAND(ImapResponse.Status.BAD, null, "Unknown command"),
    SYNTAX(ImapResponse.Status.BAD, null, "Syntax error in command"),
    BARE_LINE_FEED(ImapResponse.Status.BAD, null, "Lines must end with CRLF"),
    INVALID_UTF8(ImapResponse.Status.BAD, null, "Invalid UTF-8 in string"),
    INVALID_MAILBOX_NAME(ImapResponse.Status.BAD, null, "Invalid mailbox name encoding"),
    INVALID_SEQUENCE_SET(ImapResponse.Status.BAD, null, "Invalid sequence set"),
    INVALID_DATE(ImapResponse.Status.BAD, null, "Invalid date"),
    INVALID_BASE64(ImapResponse.Status.BAD, null, "Invalid Base64"),
    LINE_TOO_LONG(ImapResponse.Status.BAD, ResponseCode.LIMIT, "Line too long"),
    COMMAND_TOO_LONG(ImapResponse.Status.BAD, ResponseCode.LIMIT, "Command too long"),
    NESTING_TOO_DEEP(ImapResponse.Status.BAD, ResponseCode.LIMIT, "Too deeply nested"),
    TOO_MANY_TOKENS(ImapResponse.Status.BAD, ResponseCode.LIMIT, "Too many arguments"),
    TOO_MANY_MESSAGES(ImapResponse.Status.BAD, ResponseCode.LIMIT, "Too many messages in one APPEND"),
    /** A literal (other than an APPEND message) over maxLiteralBytes or the command bound. */
    LITERAL_TOO_LARGE(ImapResponse.Status.BAD, ResponseCode.TOOBIG, "Literal too large"),
    /** LITERAL- (RFC 7888 §4): a non-synchronising literal over 4096 octets. */
    NON_SYNCHRONIZING_LITERAL_TOO_LARGE(ImapResponse.Status.BAD, ResponseCode.TOOBIG,
            "Non-synchronizing literal too large"),
    /** An APPEND message over APPENDLIMIT (RFC 7889). */
    MESSAGE_TOO_LARGE(ImapResponse.Status.NO, ResponseCode.TOOBIG, "Message too large"),
    /** SEARCH/SORT with a charset other than UTF-8 and US-ASCII. */
    BAD_CHARSET(ImapResponse.Status.NO, ResponseCode.badCharset(List.of("UTF-8", "US-ASCII")), "Unsupported charset"),
    /** A refused command went on past maxDiscardBytes: answer, then close. */
    DISCARD_LIMIT_EXCEEDED(ImapResponse.Status.BAD, ResponseCode.TOOBIG, "Command too large, closing connection"),
    /** An HTTP request line on the IMAP port (cross-protocol attack): answer, then close. */
    NOT_IMAP(ImapResponse.Status.BAD, null, "This is an IMAP server, closing connection");

    private final ImapResponse.Status status;
    private final ResponseCode code;
    private final String text;

    Refusal(ImapResponse.Status status, ResponseCode code, String text) {
        this.status = status;
        this.code = code;
        this.text = text;
    }

    public ImapResponse.Status status() {
        return status;
    }

    public Optional<ResponseCode> code() {
        return Optional.ofNullable(code);
    }

    public String text() {
        return text;
    }

    /** The response: tagged when the tag is known, else {@code * BAD} (an untagged NO is never sent). */
    public ImapResponse response(Optional<String> tag) {
        if (tag.isPresent()) {
            return new ImapResponse.Tagged(tag.get(), status, code(), text);
        }
        return new ImapResponse.Untagged(ImapResponse.Status.BAD, code(), text);
    }
}
