package org.postern.auth.risk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.postern.model.InvalidInputException;

class RiskTest {
    private static final GeoPoint PARIS = new GeoPoint(48.8566, 2.3522);
    private static final GeoPoint LONDON = new GeoPoint(51.5074, -0.1278);
    private static final GeoPoint SYDNEY = new GeoPoint(-33.8688, 151.2093);
    private static final GeoPoint VERSAILLES = new GeoPoint(48.8049, 2.1204);
    private static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");

    @TempDir
    Path dir;

    private Path table(String text) throws Exception {
        Path file = dir.resolve("geo.csv");
        Files.writeString(file, text, StandardCharsets.UTF_8);
        return file;
    }

    // ---- GeoPoint and distances ----------------------------------------------------------------

    @Test
    void geoPointsAreValidated() {
        assertThat(new GeoPoint(-90, 180)).isNotNull();
        for (double[] bad : new double[][] {{90.01, 0}, {-91, 0}, {0, 180.5}, {0, -181}, {Double.NaN, 0},
                {0, Double.NaN}, {Double.POSITIVE_INFINITY, 0}}) {
            assertThatThrownBy(() -> new GeoPoint(bad[0], bad[1])).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void haversineDistancesMatchKnownValues() {
        assertThat(ImpossibleTravel.distanceKm(PARIS, LONDON)).isCloseTo(343.5, within(2.0));
        assertThat(ImpossibleTravel.distanceKm(PARIS, SYDNEY)).isCloseTo(16_960, within(30.0));
        assertThat(ImpossibleTravel.distanceKm(PARIS, PARIS)).isZero();
        assertThat(ImpossibleTravel.distanceKm(LONDON, PARIS)).isEqualTo(ImpossibleTravel.distanceKm(PARIS, LONDON));
        // Half the circumference between antipodes, and across the date line the short way round.
        assertThat(ImpossibleTravel.distanceKm(new GeoPoint(0, 0), new GeoPoint(0, 180)))
                .isCloseTo(Math.PI * ImpossibleTravel.EARTH_RADIUS_KM, within(0.001));
        assertThat(ImpossibleTravel.distanceKm(new GeoPoint(0, 179.5), new GeoPoint(0, -179.5))).isCloseTo(111.2, within(0.2));
    }

    @Test
    void travelFasterThanThePlaneIsImpossible() {
        double max = ImpossibleTravel.DEFAULT_MAX_KMH;
        assertThat(max).isEqualTo(900);
        // Paris to Sydney (~16,960 km) takes about 19 hours at 900 km/h.
        assertThat(ImpossibleTravel.impossible(PARIS, T0, SYDNEY, T0.plus(Duration.ofHours(1)), max)).isTrue();
        assertThat(ImpossibleTravel.impossible(PARIS, T0, SYDNEY, T0.plus(Duration.ofHours(18)), max)).isTrue();
        assertThat(ImpossibleTravel.impossible(PARIS, T0, SYDNEY, T0.plus(Duration.ofHours(19)), max)).isFalse();
        // Order of the instants does not matter.
        assertThat(ImpossibleTravel.impossible(PARIS, T0.plus(Duration.ofHours(1)), SYDNEY, T0, max)).isTrue();
        // London to Paris in 30 minutes is ~687 km/h: possible; in 15, ~1374 km/h: not.
        assertThat(ImpossibleTravel.impossible(LONDON, T0, PARIS, T0.plus(Duration.ofMinutes(30)), max)).isFalse();
        assertThat(ImpossibleTravel.impossible(LONDON, T0, PARIS, T0.plus(Duration.ofMinutes(15)), max)).isTrue();
        assertThat(ImpossibleTravel.impossible(LONDON, T0, PARIS, T0, max)).isTrue();
    }

    @Test
    void shortDistancesAreIgnoredWhateverTheTime() {
        assertThat(ImpossibleTravel.distanceKm(PARIS, VERSAILLES)).isBetween(15.0, 20.0);
        assertThat(ImpossibleTravel.impossible(PARIS, T0, VERSAILLES, T0, 900)).isFalse();
        assertThat(ImpossibleTravel.impossible(PARIS, T0, PARIS, T0, 900)).isFalse();
    }

    @Test
    void theSpeedLimitMustBePositive() {
        assertThatThrownBy(() -> ImpossibleTravel.impossible(PARIS, T0, SYDNEY, T0, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ImpossibleTravel.impossible(PARIS, T0, SYDNEY, T0, Double.NaN)).isInstanceOf(IllegalArgumentException.class);
    }

    // ---- TableIpLocator -----------------------------------------------------------------------

    @Test
    void longestPrefixWinsForIpv4AndIpv6() throws Exception {
        TableIpLocator locator = TableIpLocator.load(table("""
                # cidr,latitude,longitude
                0.0.0.0/0,0,0
                10.0.0.0/8,48.8566,2.3522

                10.1.0.0/16, 51.5074 , -0.1278
                10.1.2.3/32,-33.8688,151.2093
                2001:db8::/32,40.7128,-74.006
                2001:db8:1::/48,35.6762,139.6503
                """));
        assertThat(locator.size()).isEqualTo(6);
        assertThat(locator.locate("10.200.0.1")).contains(PARIS);
        assertThat(locator.locate("10.1.9.9")).contains(LONDON);
        assertThat(locator.locate("10.1.2.3")).contains(SYDNEY);
        assertThat(locator.locate("10.1.2.4")).contains(LONDON);
        assertThat(locator.locate("192.0.2.1")).contains(new GeoPoint(0, 0));
        assertThat(locator.locate("2001:db8:ffff::1")).contains(new GeoPoint(40.7128, -74.006));
        assertThat(locator.locate("2001:db8:1:2::1")).contains(new GeoPoint(35.6762, 139.6503));
        assertThat(locator.locate("2001:0DB8:0001:0000:0000:0000:0000:0001")).contains(new GeoPoint(35.6762, 139.6503));
        assertThat(locator.locate("2001:db9::1")).isEmpty();
        // An IPv4-mapped IPv6 address is its IPv4 address.
        assertThat(locator.locate("::ffff:10.1.2.3")).contains(SYDNEY);
    }

    @Test
    void oddPrefixLengthsMaskCorrectly() throws Exception {
        TableIpLocator locator = TableIpLocator.load(table("""
                198.51.100.128/25,1,1
                2001:db8:0:0:8000::/65,2,2
                2001:db8::1/128,3,3
                """));
        assertThat(locator.locate("198.51.100.200")).contains(new GeoPoint(1, 1));
        assertThat(locator.locate("198.51.100.127")).isEmpty();
        assertThat(locator.locate("2001:db8::8000:0:0:1")).contains(new GeoPoint(2, 2));
        assertThat(locator.locate("2001:db8::7fff:0:0:1")).isEmpty();
        assertThat(locator.locate("2001:db8::1")).contains(new GeoPoint(3, 3));
        assertThat(locator.locate("2001:db8::2")).isEmpty();
    }

    @Test
    void junkAddressesAreUnknownNeverAnError() throws Exception {
        TableIpLocator locator = TableIpLocator.load(table("0.0.0.0/0,1,1\n::/0,2,2\n"));
        for (String junk : new String[] {null, "", "unknown", "local", "example.org", "localhost", "1.2.3.4.5",
                "300.1.1.1", "1.2.3.4/8", ":::", "x".repeat(1000)}) {
            assertThat(locator.locate(junk)).as("%s", junk).isEmpty();
        }
        assertThat(locator.locate("::1")).contains(new GeoPoint(2, 2));
    }

    @Test
    void theEmptyLocatorKnowsNowhere() {
        assertThat(TableIpLocator.empty().locate("8.8.8.8")).isEqualTo(Optional.empty());
        assertThat(TableIpLocator.empty().size()).isZero();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "10.0.0.0/8,1                    | line 3: expected cidr,latitude,longitude",
        "10.0.0.0/8,1,2,3                | line 3: expected cidr,latitude,longitude",
        "10.0.0.0,1,2                    | line 3: '10.0.0.0' is not a CIDR",
        "10.0.0.256/32,1,2               | line 3: '10.0.0.256' is not an IP address",
        "example.org/24,1,2              | line 3: 'example.org' is not an IP address",
        "10.0.0.0/33,1,2                 | line 3: prefix length '33' is not 0..32",
        "10.0.0.0/-1,1,2                 | line 3: prefix length '-1' is not 0..32",
        "10.0.0.0/ 8,1,2                 | line 3: prefix length ' 8' is not 0..32",
        "2001:db8::/129,1,2              | line 3: prefix length '129' is not 0..128",
        "10.0.0.1/8,1,2                  | line 3: 10.0.0.1/8 has bits set after the prefix",
        "2001:db8::1/64,1,2              | line 3: 2001:db8::1/64 has bits set after the prefix",
        "fe80::%1/64,1,2                 | line 3: 'fe80::%1' is not an IP address",
        "::ffff:10.0.0.0/104,1,2         | line 3: write the IPv4-mapped address",
        "10.0.0.0/8,91,2                 | line 3: latitude must be between -90 and 90",
        "10.0.0.0/8,1,181                | line 3: longitude must be between -180 and 180",
        "10.0.0.0/8,NaN,1                | line 3: latitude 'NaN' is not a decimal number",
        "10.0.0.0/8,1e1,1                | line 3: latitude '1e1' is not a decimal number",
        "10.0.0.0/8,1.5d,1               | line 3: latitude '1.5d' is not a decimal number",
        "10.0.0.0/8,,1                   | line 3: latitude '' is not a decimal number",
        "1.0.0.0/8,5,5                   | line 3: 1.0.0.0/8 is listed twice",
    })
    void malformedLinesAreRefusedByNumber(String badLine, String message) throws Exception {
        Path file = table("# a comment\n1.0.0.0/8,1,1\n" + badLine + "\n2.0.0.0/8,2,2\n");
        assertThatThrownBy(() -> TableIpLocator.load(file)).isInstanceOf(InvalidInputException.class)
                .hasMessageStartingWith("IP location table " + file + " ")
                .hasMessageContaining(message);
    }

    @Test
    void oversizedAndNonUtf8TablesAreRefused() throws Exception {
        Path big = dir.resolve("big.csv");
        try (var channel = java.nio.channels.FileChannel.open(big, java.nio.file.StandardOpenOption.CREATE_NEW,
                java.nio.file.StandardOpenOption.WRITE)) {
            channel.write(java.nio.ByteBuffer.wrap(new byte[] {'#'}), TableIpLocator.MAX_FILE_BYTES);
        }
        assertThatThrownBy(() -> TableIpLocator.load(big)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("at most " + TableIpLocator.MAX_FILE_BYTES);
        Path latin1 = dir.resolve("latin1.csv");
        Files.write(latin1, new byte[] {'#', ' ', (byte) 0xe9, '\n'});
        assertThatThrownBy(() -> TableIpLocator.load(latin1)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("not UTF-8");
        assertThatThrownBy(() -> TableIpLocator.load(dir.resolve("missing.csv")))
                .isInstanceOf(java.io.UncheckedIOException.class).hasMessageContaining("missing.csv");
    }
}
