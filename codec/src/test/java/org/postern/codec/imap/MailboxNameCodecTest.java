package org.postern.codec.imap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MailboxNameCodecTest {

    private static Optional<String> utf7(String wire) {
        return MailboxNameCodec.decodeModifiedUtf7(wire.getBytes(StandardCharsets.ISO_8859_1));
    }

    @Test
    void rfc3501ExampleDecodesAndEncodes() {
        // RFC 3501 §5.1.3: "~peter/mail/&U,BTFw-/&ZeVnLIqe-" is "~peter/mail/台北/日本語".
        assertThat(utf7("~peter/mail/&U,BTFw-/&ZeVnLIqe-")).contains("~peter/mail/\u53f0\u5317/\u65e5\u672c\u8a9e");
        assertThat(MailboxNameCodec.encodeModifiedUtf7("~peter/mail/\u53f0\u5317/\u65e5\u672c\u8a9e"))
                .isEqualTo("~peter/mail/&U,BTFw-/&ZeVnLIqe-");
    }

    @Test
    void ampersandIsEscapedAsAmpersandDash() {
        assertThat(utf7("&-")).contains("&");
        assertThat(utf7("Tom &- Jerry")).contains("Tom & Jerry");
        assertThat(utf7("&-&-")).contains("&&");
        assertThat(MailboxNameCodec.encodeModifiedUtf7("R&D")).isEqualTo("R&-D");
    }

    @Test
    void accentsAndSupplementaryCharactersRoundTrip() {
        assertThat(MailboxNameCodec.encodeModifiedUtf7("Entw\u00fcrfe")).isEqualTo("Entw&APw-rfe");
        assertThat(utf7("Entw&APw-rfe")).contains("Entw\u00fcrfe");
        String emoji = "Mail \uD83D\uDE00 box";
        String wire = MailboxNameCodec.encodeModifiedUtf7(emoji);
        assertThat(wire).isEqualTo("Mail &2D3eAA- box");
        assertThat(utf7(wire)).contains(emoji);
    }

    @Test
    void randomUnicodeNamesRoundTrip() {
        Random random = new Random(0x7F7L);
        int[] pool = {'a', 'Z', '0', '&', '-', '/', ' ', '~', 0xe9, 0xfc, 0x3b1, 0x53f0, 0xfffd, 0x1f600, 0x10348};
        for (int i = 0; i < 20_000; i++) {
            StringBuilder b = new StringBuilder();
            int n = random.nextInt(12);
            for (int k = 0; k < n; k++) {
                b.appendCodePoint(pool[random.nextInt(pool.length)]);
            }
            String name = b.toString();
            String wire = MailboxNameCodec.encodeModifiedUtf7(name);
            assertThat(wire).matches("[\\x20-\\x7e]*");
            assertThat(utf7(wire)).as(wire).contains(name);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "&AGE-",        // encodes printable ASCII 'a', which must be sent as itself
        "&Jjo",         // shift never ended
        "&U,BTFw",      // shift never ended
        "&Jjo!-",       // '!' is not in the modified Base64 alphabet
        "&U/BTFw-",     // '/' is standard Base64, not modified
        "&AOk-&AOk-",   // two adjacent shifts: not the canonical encoding (&AOkA6Q-)
        "&2D3-",        // a lone high surrogate
        "&3gA-",        // a lone low surrogate
        "&AOkA-",       // 8 bits left over: a partial UTF-16 unit
        "&AOl-",        // non-zero padding bits
        "a\tb",         // control character
    })
    void invalidModifiedUtf7IsRefused(String wire) {
        assertThat(utf7(wire)).isEmpty();
    }

    @Test
    void eightBitBytesAreNotModifiedUtf7() {
        assertThat(MailboxNameCodec.decodeModifiedUtf7("Entw\u00fcrfe".getBytes(StandardCharsets.UTF_8))).isEmpty();
        assertThat(MailboxNameCodec.decode("Entw\u00fcrfe".getBytes(StandardCharsets.UTF_8), false)).isEmpty();
    }

    @Test
    void utf8ModeTakesUtf8AndRefusesMalformedUtf8() {
        assertThat(MailboxNameCodec.decode("Entw\u00fcrfe".getBytes(StandardCharsets.UTF_8), true))
                .contains(new MailboxName("Entw\u00fcrfe"));
        // In UTF-8 mode, "&" is just "&": no modified UTF-7 decoding.
        assertThat(MailboxNameCodec.decode(bytes("R&D"), true)).contains(new MailboxName("R&D"));
        assertThat(MailboxNameCodec.decode(new byte[] {(byte) 0xc3, 0x28}, true)).isEmpty();
        assertThat(MailboxNameCodec.decode(new byte[] {(byte) 0xc0, (byte) 0xaf}, true)).isEmpty(); // overlong '/'
        assertThat(MailboxNameCodec.decode(new byte[] {(byte) 0xed, (byte) 0xa0, (byte) 0x80}, true)).isEmpty();
    }

    @Test
    void encodingFollowsTheMode() {
        MailboxName name = new MailboxName("\u00c9t\u00e9");
        assertThat(MailboxNameCodec.encode(name, false)).isEqualTo("&AMk-t&AOk-");
        assertThat(MailboxNameCodec.encode(name, true)).isEqualTo("\u00c9t\u00e9");
    }

    @Test
    void inboxIsCaseInsensitiveButOnlyAsAWholeName() {
        assertThat(MailboxNameCodec.decode(bytes("inbox"), false)).contains(MailboxName.INBOX);
        assertThat(MailboxNameCodec.decode(bytes("InBoX"), true).orElseThrow().isInbox()).isTrue();
        assertThat(new MailboxName("Inbox/Sub").name()).isEqualTo("Inbox/Sub");
        assertThat(new MailboxName("INBOXES").isInbox()).isFalse();
    }

    @Test
    void controlCharactersHiddenInModifiedUtf7AreStillRefused() {
        // "&AAo-" decodes to LF, "&AAA-" to NUL: valid encodings of characters no name may hold.
        assertThat(utf7("a&AAo-b")).contains("a\nb");
        assertThat(MailboxNameCodec.decode(bytes("a&AAo-b"), false)).isEmpty();
        assertThat(MailboxNameCodec.decode(bytes("&AAA-"), false)).isEmpty();
        assertThat(MailboxNameCodec.decode(bytes("&AJs-"), false)).isEmpty(); // U+009B, a C1 control
    }

    @Test
    void mailboxNamesAreBounded() {
        assertThat(MailboxName.isValid("a".repeat(MailboxName.MAX_BYTES))).isTrue();
        assertThat(MailboxName.isValid("a".repeat(MailboxName.MAX_BYTES + 1))).isFalse();
        assertThat(MailboxName.isValid("\u00e9".repeat(MailboxName.MAX_BYTES / 2 + 1))).isFalse();
        assertThatThrownBy(() -> new MailboxName("a\rb")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new MailboxName("\uD800")).isInstanceOf(IllegalArgumentException.class);
        assertThat(new MailboxName("").name()).isEmpty();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }
}
