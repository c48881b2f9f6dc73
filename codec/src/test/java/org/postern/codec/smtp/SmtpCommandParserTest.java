package org.postern.codec.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.postern.codec.smtp.SmtpCommand.Auth;
import org.postern.codec.smtp.SmtpCommand.Bdat;
import org.postern.codec.smtp.SmtpCommand.Ehlo;
import org.postern.codec.smtp.SmtpCommand.Helo;
import org.postern.codec.smtp.SmtpCommand.MailFrom;
import org.postern.codec.smtp.SmtpCommand.RcptTo;

class SmtpCommandParserTest {
    private final SmtpLimits limits = SmtpLimits.defaults();
    private final SmtpCommandParser parser = new SmtpCommandParser(limits);

    private ParseResult parse(String line) {
        byte[] b = line.getBytes(StandardCharsets.UTF_8);
        return parser.parse(b, b.length);
    }

    private SmtpCommand parsed(String line) {
        ParseResult r = parse(line);
        assertThat(r).as(line).isInstanceOf(ParseResult.Parsed.class);
        return ((ParseResult.Parsed) r).command();
    }

    private SmtpReply rejected(String line) {
        ParseResult r = parse(line);
        assertThat(r).as(line).isInstanceOf(ParseResult.Rejected.class);
        return ((ParseResult.Rejected) r).reply();
    }

    private static String code(SmtpReply r) {
        return r.code() + " " + r.enhancedCode();
    }

    @Nested
    class Verbs {
        @Test
        void simpleCommandsParseInAnyCase() {
            assertThat(parsed("DATA")).isEqualTo(new SmtpCommand.Data());
            assertThat(parsed("data")).isEqualTo(new SmtpCommand.Data());
            assertThat(parsed("RsEt")).isEqualTo(new SmtpCommand.Rset());
            assertThat(parsed("QUIT")).isEqualTo(new SmtpCommand.Quit());
            assertThat(parsed("STARTTLS")).isEqualTo(new SmtpCommand.StartTls());
            assertThat(parsed("starttls")).isEqualTo(new SmtpCommand.StartTls());
            assertThat(parsed("NOOP")).isEqualTo(new SmtpCommand.Noop());
        }

        @Test
        void noopIgnoresItsArgument() {
            assertThat(parsed("NOOP anything at all")).isEqualTo(new SmtpCommand.Noop());
        }

        @Test
        void helpTakesAnOptionalTopic() {
            assertThat(parsed("HELP")).isEqualTo(new SmtpCommand.Help(Optional.empty()));
            assertThat(parsed("HELP MAIL")).isEqualTo(new SmtpCommand.Help(Optional.of("MAIL")));
        }

        @Test
        void vrfyAndExpnNeedAnArgument() {
            assertThat(parsed("VRFY someone")).isEqualTo(new SmtpCommand.Vrfy("someone"));
            assertThat(parsed("EXPN list")).isEqualTo(new SmtpCommand.Expn("list"));
            assertThat(code(rejected("VRFY"))).isEqualTo("501 5.5.4");
            assertThat(code(rejected("EXPN"))).isEqualTo("501 5.5.4");
            assertThat(code(rejected("VRFY "))).isEqualTo("501 5.5.4");
        }

        @ParameterizedTest
        @ValueSource(strings = {"DATA x", "RSET now", "QUIT please", "STARTTLS x", "QUIT "})
        void commandsWithoutArgumentsRefuseOne(String line) {
            assertThat(code(rejected(line))).isEqualTo("501 5.5.4");
        }

        @ParameterizedTest
        @ValueSource(strings = {"", " ", "XYZZY", "MAILFROM:<a@b.c>", "HELLO x", "1234", "EHLO\u00e9 x",
                "VERYLONGVERBNAME x", " QUIT", "X-CMD"})
        void unknownOrMalformedVerbsAreSyntaxErrors(String line) {
            assertThat(code(rejected(line))).isEqualTo("500 5.5.2");
        }

        @ParameterizedTest
        @ValueSource(strings = {"TURN", "ETRN example.org", "SAML FROM:<a@b.c>"})
        void knownButUnimplementedVerbsGet502(String line) {
            assertThat(code(rejected(line))).isEqualTo("502 5.5.1");
        }

        @ParameterizedTest
        @ValueSource(strings = {"GET / HTTP/1.1", "POST /x HTTP/1.0", "CONNECT host:25 HTTP/1.1", "head /"})
        void httpVerbsAreRefusedAndCloseTheConnection(String line) {
            ParseResult r = parse(line);
            assertThat(r).isEqualTo(new ParseResult.Rejected(SmtpReply.SYNTAX_ERROR, true));
        }

        @Test
        void verbForLogsNeverCarriesArguments() {
            assertThat(parsed("mail FROM:<secret@example.org>").verb()).isEqualTo("MAIL");
            assertThat(parsed("auth plain AGEAYg==").verb()).isEqualTo("AUTH");
        }
    }

    @Nested
    class LineContent {
        @Test
        void nulAnywhereIsRefused() {
            byte[] line = "NOOP a\0b".getBytes(StandardCharsets.ISO_8859_1);
            assertThat(parser.parse(line, line.length)).isEqualTo(new ParseResult.Rejected(SmtpReply.SYNTAX_ERROR, false));
        }

        @ParameterizedTest
        @ValueSource(strings = {"NOOP\r", "MAIL FROM:<a@b.c>\rRCPT TO:<x@y.z>", "HELP\ttopic", "QUIT\u007f", "NOOP\n"})
        void controlCharactersAreRefused(String line) {
            assertThat(code(rejected(line))).isEqualTo("500 5.5.2");
        }

        @Test
        void nonAsciiOutsideMailAndRcptIsRefused() {
            assertThat(code(rejected("EHLO b\u00fccher.example"))).isEqualTo("500 5.5.2");
            assertThat(code(rejected("VRFY j\u00f6rg"))).isEqualTo("500 5.5.2");
        }

        @Test
        void invalidUtf8IsRefusedEvenInMail() {
            byte[] line = {'M', 'A', 'I', 'L', ' ', 'F', 'R', 'O', 'M', ':', '<', (byte) 0xC3, '@', 'x', '>'};
            assertThat(parser.parse(line, line.length)).isEqualTo(new ParseResult.Rejected(SmtpReply.SYNTAX_ERROR, false));
            byte[] overlong = {'R', 'C', 'P', 'T', ' ', 'T', 'O', ':', '<', (byte) 0xC0, (byte) 0xAF, '@', 'x', '>'};
            assertThat(parser.parse(overlong, overlong.length)).isInstanceOf(ParseResult.Rejected.class);
        }

        @Test
        void onlyTheGivenLengthIsParsed() {
            byte[] buffer = "QUITgarbage".getBytes(StandardCharsets.US_ASCII);
            assertThat(parser.parse(buffer, 4)).isEqualTo(new ParseResult.Parsed(new SmtpCommand.Quit()));
            assertThatThrownBy(() -> parser.parse(buffer, 99)).isInstanceOf(IndexOutOfBoundsException.class);
        }

        @Test
        void aLineExactlyAtTheCommandLimitIsParsedAndOneMoreIsTooLong() {
            SmtpCommandParser rfc = new SmtpCommandParser(limits.withMaxCommandLineBytes(512));
            String atLimit = "NOOP " + "x".repeat(510 - 5); // 510 bytes + CRLF = 512
            byte[] ok = atLimit.getBytes(StandardCharsets.US_ASCII);
            assertThat(rfc.parse(ok, ok.length)).isInstanceOf(ParseResult.Parsed.class);
            byte[] over = (atLimit + "x").getBytes(StandardCharsets.US_ASCII);
            assertThat(rfc.parse(over, over.length)).isEqualTo(new ParseResult.Rejected(SmtpReply.LINE_TOO_LONG, false));
        }

        @Test
        void authLinesMayUseTheLongerAuthLimit() {
            String token = "A".repeat(4000);
            assertThat(parsed("AUTH XOAUTH2 " + token)).isEqualTo(new Auth("XOAUTH2", Optional.of(token)));
            assertThat(rejected("NOOP " + token)).isEqualTo(SmtpReply.LINE_TOO_LONG);
            assertThat(rejected("AUTH XOAUTH2 " + "A".repeat(12288))).isEqualTo(SmtpReply.LINE_TOO_LONG);
        }
    }

    @Nested
    class EhloAndHelo {
        @ParameterizedTest
        @ValueSource(strings = {"mail.example.org", "localhost", "MX1.Example.COM", "my_pc.lan", "a",
                "[192.0.2.1]", "[IPv6:2001:db8::1]", "[ipv6:::1]", "[IPv6:::ffff:192.0.2.1]", "xn--bcher-kva.example"})
        void validNamesAndLiteralsAreAccepted(String arg) {
            assertThat(parsed("EHLO " + arg)).isEqualTo(new Ehlo(arg));
            assertThat(parsed("helo " + arg)).isEqualTo(new Helo(arg));
        }

        @ParameterizedTest
        @ValueSource(strings = {"EHLO", "EHLO ", "EHLO two words", "EHLO -bad.example", "EHLO bad-.example",
                "EHLO a..b", "EHLO trailing.", "EHLO [192.0.2.256]", "EHLO [1.2.3]", "EHLO [IPv6:zz::1]",
                "EHLO [tag:content]", "EHLO [192.0.2.1", "EHLO []", "EHLO host!name", "HELO",
                "EHLO  mail.example.org"})
        void malformedArgumentsAre501(String line) {
            assertThat(code(rejected(line))).isEqualTo("501 5.5.4");
        }

        @Test
        void aLabelLongerThan63OctetsIsRefused() {
            assertThat(parsed("EHLO " + "a".repeat(63) + ".example")).isInstanceOf(Ehlo.class);
            assertThat(code(rejected("EHLO " + "a".repeat(64) + ".example"))).isEqualTo("501 5.5.4");
        }

        @Test
        void aNameLongerThan255OctetsIsRefused() {
            String label = "a".repeat(50);
            String name = String.join(".", label, label, label, label, label); // 254
            assertThat(parsed("EHLO " + name)).isInstanceOf(Ehlo.class);
            assertThat(code(rejected("EHLO " + name + ".ab"))).isEqualTo("501 5.5.4");
        }
    }

    @Nested
    class Mail {
        private MailFrom mail(String line) {
            return (MailFrom) parsed(line);
        }

        @Test
        void aPlainSenderIsParsedWithItsRawPath() {
            MailFrom m = mail("MAIL FROM:<Alice@Example.org>");
            assertThat(m.path()).isEqualTo(new ReversePath.Sender(
                    new Mailbox("Alice", "Example.org", false, false), "<Alice@Example.org>"));
            assertThat(m.size()).isEmpty();
            assertThat(m.body()).isEmpty();
            assertThat(m.smtpUtf8()).isFalse();
            assertThat(m.otherParameters()).isEmpty();
        }

        @Test
        void theNullSenderIsAllowed() {
            assertThat(mail("MAIL FROM:<>").path()).isEqualTo(new ReversePath.NullSender());
            assertThat(mail("MAIL FROM:<> SIZE=100").path().raw()).isEqualTo("<>");
        }

        @Test
        void keywordsAreCaseInsensitive() {
            assertThat(mail("mail from:<a@b.example> size=10 body=8bitmime").size()).isEqualTo(OptionalLong.of(10));
        }

        @Test
        void oneSpaceAfterTheColonIsTolerated() {
            assertThat(mail("MAIL FROM: <a@b.example>").path().raw()).isEqualTo("<a@b.example>");
            assertThat(mail("MAIL FROM: <>").path()).isEqualTo(new ReversePath.NullSender());
        }

        @ParameterizedTest
        @ValueSource(strings = {"MAIL FROM:  <a@b.example>", "MAIL FROM :<a@b.example>", "MAIL  FROM:<a@b.example>",
                "MAIL TO:<a@b.example>", "MAIL", "MAIL FROM"})
        void otherSpacingIsRefused(String line) {
            assertThat(rejected(line).code()).isEqualTo(501);
        }

        @ParameterizedTest
        @ValueSource(strings = {"MAIL FROM:a@b.example", "MAIL FROM:<a@b.example", "MAIL FROM:a@b.example>",
                "MAIL FROM:<a>", "MAIL FROM:<@b.example>", "MAIL FROM:<a@>", "MAIL FROM:<a@@b.example>",
                "MAIL FROM:<.a@b.example>", "MAIL FROM:<a.@b.example>", "MAIL FROM:<a..b@b.example>",
                "MAIL FROM:<a b@b.example>", "MAIL FROM:<a@b .example>", "MAIL FROM:<a@-b.example>",
                "MAIL FROM:<a@[300.1.1.1]>", "MAIL FROM:<\"unterminated@b.example>", "MAIL FROM:<\"\"@b.example>",
                "MAIL FROM:<Postmaster>", "MAIL FROM:<a@b.example>>", "MAIL FROM:<a(comment)@b.example>",
                "MAIL FROM:<a@b.example.>", "MAIL FROM:<>>"})
        void badSenderPathsAre501BadSenderSyntax(String line) {
            assertThat(code(rejected(line))).as(line).isIn("501 5.1.7", "501 5.5.4");
        }

        @Test
        void badSenderAddressesUseTheSenderEnhancedCode() {
            assertThat(code(rejected("MAIL FROM:a@b.example"))).isEqualTo("501 5.1.7");
            assertThat(code(rejected("MAIL FROM:<a..b@b.example>"))).isEqualTo("501 5.1.7");
        }

        @Test
        void quotedLocalPartsKeepTheirQuoting() {
            MailFrom m = mail("MAIL FROM:<\"john doe\\\"x>\"@example.org>");
            Mailbox box = ((ReversePath.Sender) m.path()).mailbox();
            assertThat(box.localPart()).isEqualTo("\"john doe\\\"x>\"");
            assertThat(box.quoted()).isTrue();
            assertThat(box.unquotedLocalPart()).isEqualTo("john doe\"x>");
            assertThat(box.toString()).isEqualTo("\"john doe\\\"x>\"@example.org");
            assertThat(box.emailAddress()).isEmpty();
        }

        @Test
        void aQuotedDotAtomIsTheSameAddressAsTheUnquotedOne() {
            Mailbox box = ((ReversePath.Sender) mail("MAIL FROM:<\"Abc\"@Example.org>").path()).mailbox();
            assertThat(box.emailAddress()).hasValueSatisfying(a -> assertThat(a.toString()).isEqualTo("abc@example.org"));
        }

        @Test
        void addressLiteralsAreAcceptedButAreNoEmailAddress() {
            Mailbox box = ((ReversePath.Sender) mail("MAIL FROM:<a@[192.0.2.7]>").path()).mailbox();
            assertThat(box.addressLiteral()).isTrue();
            assertThat(box.domain()).isEqualTo("[192.0.2.7]");
            assertThat(box.emailAddress()).isEmpty();
            assertThat(mail("MAIL FROM:<a@[IPv6:2001:db8::7]>").path()).isInstanceOf(ReversePath.Sender.class);
        }

        @Test
        void atextSpecialsAreAllowedInDotStrings() {
            assertThat(mail("MAIL FROM:<a!#$%&'*+-/=?^_`{|}~.b@example.org>").path()).isInstanceOf(ReversePath.Sender.class);
        }

        @Test
        void sourceRoutesAreAcceptedAndStrippedButKeptRaw() {
            MailFrom m = mail("MAIL FROM:<@relay1.example,@relay2.example:user@d.example>");
            ReversePath.Sender s = (ReversePath.Sender) m.path();
            assertThat(s.mailbox()).isEqualTo(new Mailbox("user", "d.example", false, false));
            assertThat(s.raw()).isEqualTo("<@relay1.example,@relay2.example:user@d.example>");
            assertThat(mail("MAIL FROM:<@one.example:user@d.example>").path()).isInstanceOf(ReversePath.Sender.class);
        }

        @ParameterizedTest
        @ValueSource(strings = {"MAIL FROM:<@relay.example>", "MAIL FROM:<@relay.example:>", "MAIL FROM:<@:u@d.example>",
                "MAIL FROM:<@a.example,b.example:u@d.example>", "MAIL FROM:<@a.example,:u@d.example>",
                "MAIL FROM:<@bad_domain:u@d.example>"})
        void malformedSourceRoutesAreRefused(String line) {
            assertThat(code(rejected(line))).isEqualTo("501 5.1.7");
        }

        @Test
        void sizeBodyAndSmtpUtf8AreInterpreted() {
            MailFrom m = mail("MAIL FROM:<a@b.example> SIZE=1000 BODY=8BITMIME SMTPUTF8");
            assertThat(m.size()).isEqualTo(OptionalLong.of(1000));
            assertThat(m.body()).contains(BodyType.EIGHT_BIT_MIME);
            assertThat(m.smtpUtf8()).isTrue();
            assertThat(mail("MAIL FROM:<a@b.example> BODY=7bit").body()).contains(BodyType.SEVEN_BIT);
            assertThat(mail("MAIL FROM:<a@b.example> BODY=BINARYMIME").body()).contains(BodyType.BINARY_MIME);
        }

        @Test
        void sizeExactlyAtTheLimitIsAcceptedAndOneMoreIs552() {
            SmtpCommandParser p = new SmtpCommandParser(limits.withMaxMessageBytes(1000));
            byte[] ok = "MAIL FROM:<a@b.example> SIZE=1000".getBytes(StandardCharsets.US_ASCII);
            assertThat(p.parse(ok, ok.length)).isInstanceOf(ParseResult.Parsed.class);
            byte[] over = "MAIL FROM:<a@b.example> SIZE=1001".getBytes(StandardCharsets.US_ASCII);
            assertThat(((ParseResult.Rejected) p.parse(over, over.length)).reply()).isEqualTo(SmtpReply.MESSAGE_TOO_LARGE);
        }

        @Test
        void absurdSizesAre552NotAnOverflow() {
            assertThat(rejected("MAIL FROM:<a@b.example> SIZE=99999999999999999999999")).isEqualTo(SmtpReply.MESSAGE_TOO_LARGE);
            assertThat(rejected("MAIL FROM:<a@b.example> SIZE=9223372036854775808")).isEqualTo(SmtpReply.MESSAGE_TOO_LARGE);
        }

        @ParameterizedTest
        @ValueSource(strings = {"MAIL FROM:<a@b.example> SIZE=", "MAIL FROM:<a@b.example> SIZE=-1",
                "MAIL FROM:<a@b.example> SIZE=1k", "MAIL FROM:<a@b.example> SIZE", "MAIL FROM:<a@b.example> BODY",
                "MAIL FROM:<a@b.example> SMTPUTF8=yes", "MAIL FROM:<a@b.example> SIZE=1 SIZE=2",
                "MAIL FROM:<a@b.example>  SIZE=1", "MAIL FROM:<a@b.example> ", "MAIL FROM:<a@b.example>SIZE=1",
                "MAIL FROM:<a@b.example> -X=1", "MAIL FROM:<a@b.example> X=a=b", "MAIL FROM:<a@b.example> X=",
                "MAIL FROM:<a@b.example> SIZE=1 size=1"})
        void malformedParametersAre501(String line) {
            assertThat(code(rejected(line))).isEqualTo("501 5.5.4");
        }

        @Test
        void anUnknownBodyTypeIs504() {
            assertThat(code(rejected("MAIL FROM:<a@b.example> BODY=9BIT"))).isEqualTo("504 5.5.4");
        }

        @Test
        void unknownParametersAre555UnlessPassedThrough() {
            assertThat(code(rejected("MAIL FROM:<a@b.example> RET=HDRS"))).isEqualTo("555 5.5.4");
            SmtpCommandParser dsn = new SmtpCommandParser(limits, Set.of("RET", "envid"), Set.of("NOTIFY"));
            byte[] line = "MAIL FROM:<a@b.example> ret=HDRS ENVID=abc+2Bdef SIZE=5".getBytes(StandardCharsets.US_ASCII);
            MailFrom m = (MailFrom) ((ParseResult.Parsed) dsn.parse(line, line.length)).command();
            assertThat(m.otherParameters()).containsExactly(
                    new EsmtpParameter("RET", Optional.of("HDRS")), new EsmtpParameter("ENVID", Optional.of("abc+2Bdef")));
            assertThat(m.size()).isEqualTo(OptionalLong.of(5));
        }

        @Test
        void theParserRefusesToPassThroughWhatItInterprets() {
            assertThatThrownBy(() -> new SmtpCommandParser(limits, Set.of("SIZE"), Set.of()))
                    .isInstanceOf(IllegalArgumentException.class);
        }

        @Test
        void utf8SendersNeedSmtpUtf8() {
            assertThat(code(rejected("MAIL FROM:<j\u00f6rg@b\u00fccher.example>"))).isEqualTo("553 5.6.7");
            MailFrom m = mail("MAIL FROM:<j\u00f6rg@b\u00fccher.example> SMTPUTF8");
            Mailbox box = ((ReversePath.Sender) m.path()).mailbox();
            assertThat(box.utf8()).isTrue();
            assertThat(box.localPart()).isEqualTo("j\u00f6rg");
            assertThat(box.domain()).isEqualTo("b\u00fccher.example");
            assertThat(box.emailAddress()).hasValueSatisfying(a -> assertThat(a.domain().ascii()).isEqualTo("xn--bcher-kva.example"));
        }

        @Test
        void utf8InParametersIsRefused() {
            assertThat(code(rejected("MAIL FROM:<a@b.example> SMTPUTF8 X=\u00e9"))).isEqualTo("501 5.5.4");
        }

        @Test
        void invisibleAndControlUnicodeIsRefusedInPaths() {
            assertThat(rejected("MAIL FROM:<a\u200bb@b.example> SMTPUTF8").code()).isEqualTo(501); // zero-width space
            assertThat(rejected("MAIL FROM:<a\u0085b@b.example> SMTPUTF8").code()).isEqualTo(501); // C1 control NEL
            assertThat(rejected("MAIL FROM:<a\u00a0b@b.example> SMTPUTF8").code()).isEqualTo(501); // no-break space
        }

        @Test
        void localPartsAreLimitedTo64Octets() {
            assertThat(mail("MAIL FROM:<" + "a".repeat(64) + "@b.example>").path()).isInstanceOf(ReversePath.Sender.class);
            assertThat(code(rejected("MAIL FROM:<" + "a".repeat(65) + "@b.example>"))).isEqualTo("501 5.1.7");
            // 32 two-octet characters are 64 octets; 33 are too many.
            assertThat(mail("MAIL FROM:<" + "\u00e9".repeat(32) + "@b.example> SMTPUTF8").path()).isInstanceOf(ReversePath.Sender.class);
            assertThat(code(rejected("MAIL FROM:<" + "\u00e9".repeat(33) + "@b.example> SMTPUTF8"))).isEqualTo("501 5.1.7");
        }

        @Test
        void pathsAreLimitedTo256Octets() {
            String label = "d".repeat(60);
            String domain = String.join(".", label, label, label) + ".example"; // 190
            String local = "l".repeat(63);
            String path = "<" + local + "@" + domain + ">"; // 256
            assertThat(path).hasSize(256);
            assertThat(mail("MAIL FROM:" + path).path().raw()).isEqualTo(path);
            assertThat(code(rejected("MAIL FROM:<l" + local + "@" + domain + ">"))).isEqualTo("501 5.1.7");
            assertThat(code(rejected("MAIL FROM:<@r.example:" + local + "@" + domain + ">"))).isEqualTo("501 5.1.7");
        }
    }

    @Nested
    class Rcpt {
        private RcptTo rcpt(String line) {
            return (RcptTo) parsed(line);
        }

        @Test
        void aRecipientIsParsed() {
            RcptTo r = rcpt("RCPT TO:<bob@example.org>");
            assertThat(r.path()).isEqualTo(new ForwardPath.Recipient(new Mailbox("bob", "example.org", false, false), "<bob@example.org>"));
            assertThat(r.parameters()).isEmpty();
            assertThat(rcpt("rcpt to: <bob@example.org>").path().raw()).isEqualTo("<bob@example.org>");
        }

        @Test
        void postmasterWithoutADomainIsValidInAnyCase() {
            assertThat(rcpt("RCPT TO:<Postmaster>").path()).isEqualTo(new ForwardPath.Postmaster("<Postmaster>"));
            assertThat(rcpt("RCPT TO:<postmaster>").path()).isInstanceOf(ForwardPath.Postmaster.class);
            assertThat(rcpt("RCPT TO:<POSTMASTER>").path()).isInstanceOf(ForwardPath.Postmaster.class);
            assertThat(rcpt("RCPT TO:<postmaster@example.org>").path()).isInstanceOf(ForwardPath.Recipient.class);
        }

        @Test
        void postmasterAtADomainIsAMailboxThatFoldsToTheLowerCaseAddress() {
            ForwardPath p = rcpt("RCPT TO:<PostMaster@Example.org>").path();
            assertThat(p).isEqualTo(new ForwardPath.Recipient(
                    new Mailbox("PostMaster", "Example.org", false, false), "<PostMaster@Example.org>"));
            Mailbox m = ((ForwardPath.Recipient) p).mailbox();
            assertThat(m.emailAddress().orElseThrow().toString()).isEqualTo("postmaster@example.org");
        }

        @ParameterizedTest
        @ValueSource(strings = {"RCPT TO:<>", "RCPT TO:<user>", "RCPT TO:user@example.org", "RCPT TO:<@r.example:Postmaster>",
                "RCPT TO:<\"Postmaster\">", "RCPT TO:<a@b.example", "RCPT TO:<a@b_c.example>"})
        void badRecipientPathsAre501BadRecipientSyntax(String line) {
            assertThat(code(rejected(line))).isEqualTo("501 5.1.3");
        }

        @ParameterizedTest
        @ValueSource(strings = {"RCPT", "RCPT FROM:<a@b.example>", "RCPT TO", "RCPT TO:<a@b.example> ", "RCPT  TO:<a@b.example>"})
        void malformedRcptCommandsAre501(String line) {
            assertThat(code(rejected(line))).isEqualTo("501 5.5.4");
        }

        @Test
        void rcptParametersAre555UnlessPassedThrough() {
            assertThat(code(rejected("RCPT TO:<a@b.example> NOTIFY=NEVER"))).isEqualTo("555 5.5.4");
            SmtpCommandParser dsn = new SmtpCommandParser(limits, Set.of(), Set.of("NOTIFY", "ORCPT"));
            byte[] line = "RCPT TO:<a@b.example> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;a@b.example".getBytes(StandardCharsets.US_ASCII);
            RcptTo r = (RcptTo) ((ParseResult.Parsed) dsn.parse(line, line.length)).command();
            assertThat(r.parameters()).extracting(EsmtpParameter::keyword).containsExactly("NOTIFY", "ORCPT");
        }

        @Test
        void utf8RecipientsAreAcceptedAndFlaggedForTheSession() {
            RcptTo r = rcpt("RCPT TO:<\u7528\u6237@\u4f8b\u5b50.example>");
            Mailbox box = ((ForwardPath.Recipient) r.path()).mailbox();
            assertThat(box.utf8()).isTrue();
            assertThat(rcpt("RCPT TO:<plain@example.org>").path()).isInstanceOfSatisfying(ForwardPath.Recipient.class,
                    p -> assertThat(p.mailbox().utf8()).isFalse());
        }

        @Test
        void sourceRoutesAreStrippedFromRecipients() {
            ForwardPath.Recipient r = (ForwardPath.Recipient) rcpt("RCPT TO:<@hosta.int,@jkl.org:userc@d.bar.org>").path();
            assertThat(r.mailbox().toString()).isEqualTo("userc@d.bar.org");
            assertThat(r.raw()).isEqualTo("<@hosta.int,@jkl.org:userc@d.bar.org>");
        }
    }

    @Nested
    class BdatAndAuth {
        @Test
        void bdatParsesSizeAndLast() {
            assertThat(parsed("BDAT 1000")).isEqualTo(new Bdat(1000, false));
            assertThat(parsed("bdat 0 last")).isEqualTo(new Bdat(0, true));
            assertThat(parsed("BDAT 007 LAST")).isEqualTo(new Bdat(7, true));
            assertThat(parsed("BDAT 999999999999999999")).isEqualTo(new Bdat(999_999_999_999_999_999L, false));
        }

        @ParameterizedTest
        @ValueSource(strings = {"BDAT", "BDAT ", "BDAT x", "BDAT -1", "BDAT 10 FIRST", "BDAT 10 LAST x",
                "BDAT 10  LAST", "BDAT 1000000000000000000", "BDAT 1e3", "BDAT +5"})
        void malformedBdatIsRefusedAndClosesTheConnection(String line) {
            assertThat(parse(line)).isEqualTo(new ParseResult.Rejected(SmtpReply.BDAT_SYNTAX_CLOSING, true));
        }

        @Test
        void authParsesMechanismAndInitialResponse() {
            assertThat(parsed("AUTH PLAIN")).isEqualTo(new Auth("PLAIN", Optional.empty()));
            assertThat(parsed("auth plain AGFsaWNlAHNlY3JldA==")).isEqualTo(new Auth("PLAIN", Optional.of("AGFsaWNlAHNlY3JldA==")));
            assertThat(parsed("AUTH PLAIN =")).isEqualTo(new Auth("PLAIN", Optional.of("=")));
            assertThat(parsed("AUTH SCRAM-SHA-256")).isEqualTo(new Auth("SCRAM-SHA-256", Optional.empty()));
        }

        @Test
        void authNeverShowsTheInitialResponse() {
            assertThat(parsed("AUTH PLAIN AGFsaWNlAHNlY3JldA==").toString()).doesNotContain("AGFsaWNl").contains("redacted");
        }

        @ParameterizedTest
        @ValueSource(strings = {"AUTH", "AUTH ", "AUTH PL@IN", "AUTH ABCDEFGHIJKLMNOPQRSTU", "AUTH PLAIN a b", "AUTH PLAIN "})
        void malformedAuthIs501(String line) {
            assertThat(code(rejected(line))).isEqualTo("501 5.5.4");
        }

        @ParameterizedTest
        @ValueSource(strings = {"AUTH PLAIN abc", "AUTH PLAIN ab=c", "AUTH PLAIN ====", "AUTH PLAIN a*bc", "AUTH PLAIN ==", "AUTH PLAIN abc==="})
        void badBase64Is501WithTheSaslCode(String line) {
            assertThat(rejected(line)).isEqualTo(SmtpReply.BAD_BASE64);
        }
    }
}
