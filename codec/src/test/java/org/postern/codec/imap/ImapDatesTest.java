package org.postern.codec.imap;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class ImapDatesTest {

    @Test
    void searchDatesParseInAnyCase() {
        assertThat(ImapDates.parseDate("1-Feb-1994")).contains(LocalDate.of(1994, 2, 1));
        assertThat(ImapDates.parseDate("01-feb-1994")).contains(LocalDate.of(1994, 2, 1));
        assertThat(ImapDates.parseDate("29-FEB-2024")).contains(LocalDate.of(2024, 2, 29));
    }

    @ParameterizedTest
    @ValueSource(strings = {"31-Feb-2020", "29-Feb-2023", "0-Jan-2020", "1-Foo-2020", "1-Feb-94", "1-Feb-19944",
        "123-Feb-1994", "1 Feb 1994", "", "1-Feb-0000", "-Feb-1994", "1-Fe-1994"})
    void impossibleOrMalformedDatesAreRefused(String text) {
        assertThat(ImapDates.parseDate(text)).isEmpty();
    }

    @Test
    void dateTimesParseWithTheirZone() {
        assertThat(ImapDates.parseDateTime("17-Jul-1996 02:44:25 -0700"))
                .contains(OffsetDateTime.of(1996, 7, 17, 2, 44, 25, 0, ZoneOffset.ofHours(-7)));
        assertThat(ImapDates.parseDateTime(" 7-Jul-1996 02:44:25 +0530"))
                .contains(OffsetDateTime.of(1996, 7, 7, 2, 44, 25, 0, ZoneOffset.ofHoursMinutes(5, 30)));
        assertThat(ImapDates.parseDateTime("07-Jul-1996 23:59:60 +0000")).isPresent(); // a leap second
        assertThat(ImapDates.parseDateTime("31-Dec-9999 23:00:00 +0000")).isPresent();
        // in UTC that is year 10000, which no four-digit year can show
        assertThat(ImapDates.parseDateTime("31-Dec-9999 23:00:00 -1200")).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"17-Jul-1996 24:00:00 -0700", "17-Jul-1996 02:60:00 -0700", "17-Jul-1996 02:44:25 -2500",
        "17-Jul-1996 02:44:25 +1960", "17-Jul-1996 02:44:25", "17-Jul-1996T02:44:25 -0700", "31-Apr-1996 02:44:25 +0000",
        "17-Jul-1996 2:44:25 -0700", "17-Jul-1996 02:44:25 0700"})
    void malformedDateTimesAreRefused(String text) {
        assertThat(ImapDates.parseDateTime(text)).isEmpty();
    }

    @Test
    void formattingRoundTrips() {
        OffsetDateTime t = OffsetDateTime.of(2024, 3, 5, 9, 7, 3, 0, ZoneOffset.ofHoursMinutes(-3, -30));
        String text = ImapDates.formatDateTime(t);
        assertThat(text).isEqualTo("05-Mar-2024 09:07:03 -0330");
        assertThat(ImapDates.parseDateTime(text)).contains(t);
        assertThat(ImapDates.formatDate(LocalDate.of(1994, 2, 1))).isEqualTo("1-Feb-1994");
    }
}
