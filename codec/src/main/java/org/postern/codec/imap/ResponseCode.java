package org.postern.codec.imap;

import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * A response code: the bracketed part of a status response ({@code [TRYCREATE]},
 * {@code [APPENDUID 38505 3955]}). Made through the factories, which produce the syntax the
 * RFCs define; the general constructor accepts an atom name and arguments of printable US-ASCII
 * without {@code ]}, so no code can end the bracket early or break the line.
 *
 * @param name the code, an atom, upper case
 * @param arguments what follows the name after one space, or empty
 */
public record ResponseCode(String name, String arguments) {

    public ResponseCode {
        if (!ImapSyntax.isAtom(name)) {
            throw new IllegalArgumentException("a response code is an atom");
        }
        name = name.toUpperCase(Locale.ROOT);
        for (int i = 0; i < arguments.length(); i++) {
            char c = arguments.charAt(i);
            if (c < 0x20 || c > 0x7e || c == ']') {
                throw new IllegalArgumentException("response code arguments must be printable US-ASCII without ']'");
            }
        }
    }

    private static ResponseCode of(String name) {
        return new ResponseCode(name, "");
    }

    public static final ResponseCode ALERT = of("ALERT");
    public static final ResponseCode PARSE = of("PARSE");
    public static final ResponseCode READ_ONLY = of("READ-ONLY");
    public static final ResponseCode READ_WRITE = of("READ-WRITE");
    public static final ResponseCode TRYCREATE = of("TRYCREATE");
    /** RFC 4469 / RFC 7889: the message (or literal) is too large. */
    public static final ResponseCode TOOBIG = of("TOOBIG");
    /** RFC 4315: the mailbox does not keep UIDs across sessions. */
    public static final ResponseCode UIDNOTSTICKY = of("UIDNOTSTICKY");
    /** RFC 7162: the mailbox does not support MODSEQ. */
    public static final ResponseCode NOMODSEQ = of("NOMODSEQ");
    /** RFC 7162: the previously selected mailbox is now closed. */
    public static final ResponseCode CLOSED = of("CLOSED");
    // RFC 5530.
    public static final ResponseCode UNAVAILABLE = of("UNAVAILABLE");
    public static final ResponseCode AUTHENTICATIONFAILED = of("AUTHENTICATIONFAILED");
    public static final ResponseCode AUTHORIZATIONFAILED = of("AUTHORIZATIONFAILED");
    public static final ResponseCode EXPIRED = of("EXPIRED");
    public static final ResponseCode PRIVACYREQUIRED = of("PRIVACYREQUIRED");
    public static final ResponseCode CONTACTADMIN = of("CONTACTADMIN");
    public static final ResponseCode NOPERM = of("NOPERM");
    public static final ResponseCode INUSE = of("INUSE");
    public static final ResponseCode EXPUNGEISSUED = of("EXPUNGEISSUED");
    public static final ResponseCode CORRUPTION = of("CORRUPTION");
    public static final ResponseCode SERVERBUG = of("SERVERBUG");
    public static final ResponseCode CLIENTBUG = of("CLIENTBUG");
    public static final ResponseCode CANNOT = of("CANNOT");
    public static final ResponseCode LIMIT = of("LIMIT");
    public static final ResponseCode OVERQUOTA = of("OVERQUOTA");
    /** RFC 3516: a BINARY fetch of a part whose Content-Transfer-Encoding the server cannot decode. */
    public static final ResponseCode UNKNOWN_CTE = of("UNKNOWN-CTE");
    public static final ResponseCode ALREADYEXISTS = of("ALREADYEXISTS");
    public static final ResponseCode NONEXISTENT = of("NONEXISTENT");
    /** RFC 9051 §7.1: DELETE refused because the mailbox has inferiors. */
    public static final ResponseCode HASCHILDREN = of("HASCHILDREN");

    /** {@code [CAPABILITY IMAP4rev1 ...]}; each capability an atom. */
    public static ResponseCode capability(Collection<String> capabilities) {
        return new ResponseCode("CAPABILITY", atoms(capabilities));
    }

    /** {@code [PERMANENTFLAGS (\Seen \*)]}. */
    public static ResponseCode permanentFlags(Collection<String> flags) {
        StringBuilder b = new StringBuilder("(");
        for (String f : flags) {
            if (!f.equals("\\*") && !ImapSyntax.isFlag(f)) {
                throw new IllegalArgumentException("not a flag");
            }
            b.append(b.length() > 1 ? " " : "").append(f);
        }
        return new ResponseCode("PERMANENTFLAGS", b.append(')').toString());
    }

    public static ResponseCode uidValidity(long value) {
        return new ResponseCode("UIDVALIDITY", Long.toString(nz32(value)));
    }

    public static ResponseCode uidNext(long value) {
        return new ResponseCode("UIDNEXT", Long.toString(nz32(value)));
    }

    public static ResponseCode unseen(long sequenceNumber) {
        return new ResponseCode("UNSEEN", Long.toString(nz32(sequenceNumber)));
    }

    /** RFC 7162. */
    public static ResponseCode highestModSeq(long modSeq) {
        return new ResponseCode("HIGHESTMODSEQ", Long.toString(nonNegative(modSeq)));
    }

    /** RFC 7162: the messages a conditional STORE did not change. */
    public static ResponseCode modified(NumberRanges set) {
        return new ResponseCode("MODIFIED", nonEmpty(set));
    }

    /** RFC 4315: {@code [APPENDUID uidvalidity uid-set]} (one UID, or several after MULTIAPPEND). */
    public static ResponseCode appendUid(long uidValidity, NumberRanges uids) {
        return new ResponseCode("APPENDUID", nz32(uidValidity) + " " + nonEmpty(uids));
    }

    /**
     * RFC 4315: {@code [COPYUID uidvalidity source-uids destination-uids]}; the two sets list
     * UIDs in corresponding order, so they are given as written, not re-sorted.
     */
    public static ResponseCode copyUid(long uidValidity, List<Long> sourceUids, List<Long> destinationUids) {
        if (sourceUids.size() != destinationUids.size() || sourceUids.isEmpty()) {
            throw new IllegalArgumentException("COPYUID needs two non-empty sets of the same size");
        }
        return new ResponseCode("COPYUID", nz32(uidValidity) + " " + orderedSet(sourceUids) + " "
                + orderedSet(destinationUids));
    }

    /** RFC 5465 / RFC 9051: {@code [BADCHARSET (UTF-8 US-ASCII)]}. */
    public static ResponseCode badCharset(Collection<String> supported) {
        return new ResponseCode("BADCHARSET", "(" + atoms(supported) + ")");
    }

    /** The message-sequence form of a list of numbers, order kept, consecutive runs as ranges. */
    static String orderedSet(List<Long> numbers) {
        StringBuilder b = new StringBuilder();
        int i = 0;
        while (i < numbers.size()) {
            long start = nz32(numbers.get(i));
            int j = i;
            while (j + 1 < numbers.size() && numbers.get(j + 1) == numbers.get(j) + 1) {
                j++;
            }
            if (!b.isEmpty()) {
                b.append(',');
            }
            b.append(start);
            if (j > i) {
                b.append(':').append(nz32(numbers.get(j)));
            }
            i = j + 1;
        }
        return b.toString();
    }

    private static String atoms(Collection<String> values) {
        StringBuilder b = new StringBuilder();
        for (String v : values) {
            if (!ImapSyntax.isAtom(v)) {
                throw new IllegalArgumentException("not an atom");
            }
            b.append(b.isEmpty() ? "" : " ").append(v);
        }
        return b.toString();
    }

    private static String nonEmpty(NumberRanges set) {
        if (set.isEmpty()) {
            throw new IllegalArgumentException("empty set");
        }
        return set.toString();
    }

    private static long nz32(long n) {
        if (n < 1 || n > SequenceSet.MAX_NUMBER) {
            throw new IllegalArgumentException("not a 32-bit non-zero number");
        }
        return n;
    }

    private static long nonNegative(long n) {
        if (n < 0) {
            throw new IllegalArgumentException("negative");
        }
        return n;
    }

    /** The bracketed form: {@code [NAME args]}. */
    @Override
    public String toString() {
        return "[" + name + (arguments.isEmpty() ? "" : " " + arguments) + "]";
    }
}
