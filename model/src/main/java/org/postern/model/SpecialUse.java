package org.postern.model;

/** The special-use mailboxes every user has (RFC 6154), with the names they are created under. */
public enum SpecialUse {
    INBOX("INBOX", null),
    SENT("Sent", "\\Sent"),
    DRAFTS("Drafts", "\\Drafts"),
    TRASH("Trash", "\\Trash"),
    JUNK("Junk", "\\Junk"),
    ARCHIVE("Archive", "\\Archive");

    private final String defaultName;
    private final String imapAttribute;

    SpecialUse(String defaultName, String imapAttribute) {
        this.defaultName = defaultName;
        this.imapAttribute = imapAttribute;
    }

    public String defaultName() {
        return defaultName;
    }

    /** The RFC 6154 attribute, or null for INBOX, which IMAP names rather than marks. */
    public String imapAttribute() {
        return imapAttribute;
    }
}
