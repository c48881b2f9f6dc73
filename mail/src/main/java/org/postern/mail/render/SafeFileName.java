package org.postern.mail.render;

import java.text.Normalizer;
import java.util.Locale;
import java.util.Set;

/**
 * A filename from a message (chosen by the sender: hostile) made safe to offer for download on
 * every OS: no path separators or drive letters, no control or bidi-override characters, none of
 * the characters Windows forbids, no reserved Windows device names (CON, NUL, COM1...), no
 * leading dots (hidden files, "..") and no trailing dots or spaces, at most
 * {@link #MAX_CHARS} characters keeping the extension. Nothing left gives {@code fallback}.
 */
public final class SafeFileName {
    public static final int MAX_CHARS = 120;

    private static final Set<String> RESERVED = Set.of("con", "prn", "aux", "nul", "com0", "com1", "com2", "com3",
            "com4", "com5", "com6", "com7", "com8", "com9", "lpt0", "lpt1", "lpt2", "lpt3", "lpt4", "lpt5", "lpt6",
            "lpt7", "lpt8", "lpt9", "conin$", "conout$");

    private SafeFileName() {}

    public static String of(String name, String fallback) {
        if (name == null) {
            return fallback;
        }
        String n = Normalizer.normalize(name, Normalizer.Form.NFC);
        // keep only the last path element, whichever separator the sender's OS used
        int slash = Math.max(n.lastIndexOf('/'), n.lastIndexOf('\\'));
        n = n.substring(slash + 1);
        StringBuilder b = new StringBuilder();
        n.codePoints().forEach(cp -> {
            if (Character.isISOControl(cp) || isFormatOrBidi(cp) || "<>:\"/\\|?*".indexOf(cp) >= 0) {
                b.append('_');
            } else if (Character.isWhitespace(cp)) {
                b.append(' ');
            } else {
                b.appendCodePoint(cp);
            }
        });
        String s = b.toString().replaceAll(" {2,}", " ").strip();
        s = s.replaceAll("^\\.+", "");
        s = s.replaceAll("[. ]+$", "");
        if (s.codePointCount(0, s.length()) > MAX_CHARS) {
            int dot = s.lastIndexOf('.');
            String ext = dot > 0 && s.length() - dot <= 16 ? s.substring(dot) : "";
            String stem = s.substring(0, s.length() - ext.length());
            stem = stem.substring(0, stem.offsetByCodePoints(0, MAX_CHARS - ext.codePointCount(0, ext.length())));
            s = stem.replaceAll("[. ]+$", "") + ext;
        }
        int dot = s.indexOf('.');
        String base = (dot < 0 ? s : s.substring(0, dot)).strip().toLowerCase(Locale.ROOT);
        if (RESERVED.contains(base)) {
            s = "_" + s;
        }
        return s.isEmpty() ? fallback : s;
    }

    private static boolean isFormatOrBidi(int cp) {
        int type = Character.getType(cp);
        return type == Character.FORMAT || type == Character.UNASSIGNED || type == Character.PRIVATE_USE
                || type == Character.SURROGATE || type == Character.LINE_SEPARATOR
                || type == Character.PARAGRAPH_SEPARATOR;
    }
}
