package org.postern.codec.imap;

import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;

/**
 * IMAP's two date syntaxes (RFC 3501 §9): {@code date-text} ({@code 1-Feb-1994}, used by SEARCH)
 * and {@code date-time} ({@code "17-Jul-1996 02:44:25 -0700"}, used by APPEND and INTERNALDATE).
 * Month names are English and case-insensitive. Parsing refuses dates that do not exist
 * (31-Feb), years before 1 or after 9999 (also once a date-time is in UTC), and zones beyond ±18:00.
 */
public final class ImapDates {
    private static final String[] MONTHS = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct",
        "Nov", "Dec"};

    private ImapDates() {}

    /**
     * Parses {@code date-text}: {@code 1*2DIGIT "-" month "-" 4DIGIT}. Empty if malformed or not
     * a real date.
     */
    public static Optional<LocalDate> parseDate(String text) {
        int dash1 = text.indexOf('-');
        if (dash1 < 1 || dash1 > 2 || text.length() != dash1 + 9 || text.charAt(dash1 + 4) != '-') {
            return Optional.empty();
        }
        int day = digits(text, 0, dash1);
        int month = month(text, dash1 + 1);
        int year = digits(text, dash1 + 5, dash1 + 9);
        return date(year, month, day);
    }

    /**
     * Parses the content of a {@code date-time} (without its quotes):
     * {@code date-day-fixed "-" month "-" 4DIGIT SP HH:MM:SS SP zone}, where the day is two digits
     * or a space and one digit (one digit alone is accepted too, as Dovecot does). Empty if
     * malformed or not a real instant.
     */
    public static Optional<OffsetDateTime> parseDateTime(String text) {
        String t = text.startsWith(" ") ? text.substring(1) : text;
        int dash1 = t.indexOf('-');
        if (dash1 < 1 || dash1 > 2 || t.length() != dash1 + 24) {
            return Optional.empty();
        }
        int p = dash1;
        if (t.charAt(p + 4) != '-' || t.charAt(p + 9) != ' ' || t.charAt(p + 12) != ':' || t.charAt(p + 15) != ':'
                || t.charAt(p + 18) != ' ') {
            return Optional.empty();
        }
        int day = digits(t, 0, p);
        int month = month(t, p + 1);
        int year = digits(t, p + 5, p + 9);
        int hour = digits(t, p + 10, p + 12);
        int minute = digits(t, p + 13, p + 15);
        int second = digits(t, p + 16, p + 18);
        char sign = t.charAt(p + 19);
        int zh = digits(t, p + 20, p + 22);
        int zm = digits(t, p + 22, p + 24);
        if ((sign != '+' && sign != '-') || zh < 0 || zm < 0 || zm > 59 || hour < 0 || hour > 23 || minute < 0
                || minute > 59 || second < 0 || second > 60) {
            return Optional.empty();
        }
        Optional<LocalDate> date = date(year, month, day);
        if (date.isEmpty()) {
            return Optional.empty();
        }
        try {
            int offsetSeconds = (zh * 3600 + zm * 60) * (sign == '-' ? -1 : 1);
            ZoneOffset zone = ZoneOffset.ofTotalSeconds(offsetSeconds);
            // A leap second is kept as the last second of its minute.
            OffsetDateTime at = OffsetDateTime.of(date.get().atTime(hour, minute, Math.min(second, 59)), zone);
            // Stored and shown in UTC: a zone must not push it past year 9999 ("31-Dec-9999 23:00:00 -1800"),
            // which FETCH INTERNALDATE and the JSON API could not write with a four-digit year.
            if (at.withOffsetSameInstant(ZoneOffset.UTC).getYear() > 9999) {
                return Optional.empty();
            }
            return Optional.of(at);
        } catch (DateTimeException e) {
            return Optional.empty();
        }
    }

    /** Formats a {@code date-time} without quotes, day zero-padded: {@code 07-Jul-1996 02:44:25 -0700}. */
    public static String formatDateTime(OffsetDateTime time) {
        int offset = time.getOffset().getTotalSeconds();
        int abs = Math.abs(offset);
        if (time.getYear() < 1 || time.getYear() > 9999) {
            throw new IllegalArgumentException("IMAP dates have four-digit years");
        }
        return String.format("%02d-%s-%04d %02d:%02d:%02d %c%02d%02d", time.getDayOfMonth(),
                MONTHS[time.getMonthValue() - 1], time.getYear(), time.getHour(), time.getMinute(), time.getSecond(),
                offset < 0 ? '-' : '+', abs / 3600, (abs / 60) % 60);
    }

    /** Formats a {@code date-text}: {@code 1-Feb-1994}. */
    public static String formatDate(LocalDate date) {
        if (date.getYear() < 1 || date.getYear() > 9999) {
            throw new IllegalArgumentException("IMAP dates have four-digit years");
        }
        return date.getDayOfMonth() + "-" + MONTHS[date.getMonthValue() - 1] + "-" + String.format("%04d", date.getYear());
    }

    private static Optional<LocalDate> date(int year, int month, int day) {
        if (year < 1 || month < 1 || day < 1) {
            return Optional.empty();
        }
        try {
            return Optional.of(LocalDate.of(year, month, day));
        } catch (DateTimeException e) {
            return Optional.empty();
        }
    }

    /** 1..12 for a three-letter English month name at {@code from}, else -1. */
    private static int month(String s, int from) {
        if (from + 3 > s.length()) {
            return -1;
        }
        for (int m = 0; m < 12; m++) {
            if (s.regionMatches(true, from, MONTHS[m], 0, 3)) {
                return m + 1;
            }
        }
        return -1;
    }

    /** The decimal value of {@code s[from, to)} if it is all ASCII digits, else -1. */
    private static int digits(String s, int from, int to) {
        if (from >= to || to > s.length()) {
            return -1;
        }
        int v = 0;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }
}
