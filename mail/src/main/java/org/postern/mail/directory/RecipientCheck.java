package org.postern.mail.directory;

/** What the directory says about a recipient address, for the answer to RCPT TO. */
public sealed interface RecipientCheck {
    /** An active address of an active user on a hosted domain. */
    record Accepted(Recipient recipient) implements RecipientCheck {}

    /**
     * A hosted domain, but no deliverable address: unknown, suspended, revoked, or its owner
     * disabled. They look the same from outside, on purpose.
     */
    record UnknownAddress() implements RecipientCheck {}

    /**
     * An active address whose owner's stored mail has reached the account quota: refused for now
     * (452 4.2.2), so the sender retries and the owner can make room. Postmaster mail is never
     * refused for this reason (RFC 5321 §4.5.1).
     */
    record OverQuota() implements RecipientCheck {}

    /** A domain this server does not host: relaying is never allowed on the MX port. */
    record DomainNotHosted() implements RecipientCheck {}
}
