package org.postern.codec.imap;

/** Character classes of RFC 3501 / RFC 9051 §9, shared by the parser and the encoder. */
final class ImapSyntax {
    private static final boolean[] ATOM_CHAR = new boolean[128];

    static {
        for (int c = 0x21; c < 0x7f; c++) {
            ATOM_CHAR[c] = true;
        }
        for (char c : "(){ %*\"\\]".toCharArray()) {
            ATOM_CHAR[c] = false;
        }
    }

    private ImapSyntax() {}

    /** ATOM-CHAR: any CHAR except atom-specials ({@code ( ) { SP CTL % * " \ ]}). */
    static boolean isAtomChar(int c) {
        return c >= 0 && c < 128 && ATOM_CHAR[c];
    }

    /** ASTRING-CHAR: ATOM-CHAR or {@code ]}. */
    static boolean isAstringChar(int c) {
        return isAtomChar(c) || c == ']';
    }

    /** A tag character: ASTRING-CHAR except {@code +}. */
    static boolean isTagChar(int c) {
        return isAstringChar(c) && c != '+';
    }

    /** list-char: ATOM-CHAR, list-wildcards or resp-specials. */
    static boolean isListChar(int c) {
        return isAtomChar(c) || c == '%' || c == '*' || c == ']';
    }

    static boolean isAtom(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (!isAtomChar(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    static boolean isTag(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (!isTagChar(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** {@code flag-keyword} (an atom) or {@code "\" atom}. */
    static boolean isFlag(String s) {
        return s.startsWith("\\") ? isAtom(s.substring(1)) : isAtom(s);
    }

    static boolean isDigit(int c) {
        return c >= '0' && c <= '9';
    }
}
