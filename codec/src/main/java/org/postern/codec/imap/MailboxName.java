package org.postern.codec.imap;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * A mailbox name as Unicode text, decoded from the wire (modified UTF-7, or UTF-8 once the client
 * has enabled {@code UTF8=ACCEPT}) by {@link MailboxNameCodec}. The name {@code INBOX} is
 * case-insensitive (RFC 3501 §5.1): any spelling of it becomes {@code "INBOX"} here, so
 * {@code equals} compares the way IMAP does. Only the whole name is normalised: what
 * {@code inbox/child} means is left to the mailbox service.
 *
 * <p>Validated at construction: at most {@link #MAX_BYTES} octets of UTF-8, no control
 * characters (C0, DEL, C1: they have no place in a name and would reach logs), no unpaired
 * surrogates. The empty name is representable (a client may send {@code ""}); refusing it is
 * the mailbox service's business.
 *
 * @param name the Unicode name
 */
public record MailboxName(String name) {

    /** The longest name accepted, in UTF-8 octets. */
    public static final int MAX_BYTES = 1024;

    /** The case-insensitive name of the user's primary mailbox. */
    public static final MailboxName INBOX = new MailboxName("INBOX");

    public MailboxName {
        Objects.requireNonNull(name);
        if (!isValid(name)) {
            throw new IllegalArgumentException("not a valid mailbox name");
        }
        if (name.length() == 5 && name.equalsIgnoreCase("INBOX")) {
            name = "INBOX";
        }
    }

    /** Whether {@code name} would be accepted by the constructor. */
    public static boolean isValid(String name) {
        if (name.length() > MAX_BYTES) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) {
                return false;
            }
            if (Character.isHighSurrogate(c)) {
                if (i + 1 >= name.length() || !Character.isLowSurrogate(name.charAt(i + 1))) {
                    return false;
                }
                i++;
            } else if (Character.isLowSurrogate(c)) {
                return false;
            }
        }
        return name.getBytes(StandardCharsets.UTF_8).length <= MAX_BYTES;
    }

    /** Whether this is the user's INBOX. */
    public boolean isInbox() {
        return name.equals("INBOX");
    }

    @Override
    public String toString() {
        return name;
    }
}
