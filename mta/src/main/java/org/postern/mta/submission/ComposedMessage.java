package org.postern.mta.submission;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.TimeZone;
import java.util.regex.Pattern;
import org.apache.james.mime4j.codec.EncoderUtil;
import org.apache.james.mime4j.dom.Message;
import org.apache.james.mime4j.dom.address.Mailbox;
import org.apache.james.mime4j.message.BasicBodyFactory;
import org.apache.james.mime4j.message.BodyPartBuilder;
import org.apache.james.mime4j.message.DefaultMessageWriter;
import org.apache.james.mime4j.message.MultipartBuilder;
import org.apache.james.mime4j.stream.NameValuePair;
import org.apache.james.mime4j.stream.RawField;
import org.postern.model.EmailAddress;
import org.postern.model.InvalidInputException;

/**
 * A message composed from the fields of an API request, written as MIME by mime4j: text/plain
 * alone, multipart/alternative for text and HTML, inside multipart/mixed when there are
 * attachments. Everything is UTF-8; non-ASCII header text is RFC 2047 encoded and file names
 * RFC 2231 encoded. Bcc recipients are never written (they exist only in the envelope).
 *
 * <p>SECURITY: every string comes from an authenticated but untrusted client. A CR, LF or other
 * control character in anything that becomes a header (subject, display name, file name, content
 * type, In-Reply-To) is refused with the field's name, so no header can be injected; a display
 * name holding another address is refused; content types must be a plain type/subtype. The
 * result still goes through {@link Submitter}, which checks the From: it contains like any other.
 */
public final class ComposedMessage {
    private static final Pattern CONTENT_TYPE = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9!#$&^_.+-]{0,63}"
            + "/[a-zA-Z0-9][a-zA-Z0-9!#$&^_.+-]{0,63}");
    /** A msg-id as RFC 5322 writes it, with no room for anything else. */
    private static final Pattern MSG_ID = Pattern.compile("<[\\x21-\\x3d\\x3f-\\x7e]{1,250}>");
    private static final int MAX_HEADER_TEXT = 998;

    /** One attached file. */
    public record Attachment(String filename, String contentType, byte[] content) {}

    /**
     * What the API asked for. {@code inReplyTo} is the msg-id (with angle brackets) of the message
     * answered; {@code references} the chain to put in References: (ending with it).
     */
    public record Draft(EmailAddress from, Optional<String> fromName, List<EmailAddress> to, List<EmailAddress> cc,
            String subject, String text, Optional<String> html, Optional<String> inReplyTo, List<String> references,
            List<Attachment> attachments) {
        public Draft {
            to = List.copyOf(to);
            cc = List.copyOf(cc);
            references = List.copyOf(references);
            attachments = List.copyOf(attachments);
        }
    }

    private final Message message;
    private final String messageId;

    private ComposedMessage(Message message, String messageId) {
        this.message = message;
        this.messageId = messageId;
    }

    /**
     * Checks the draft's header text and composes it.
     *
     * @param random16 randomness for the Message-ID
     * @throws InvalidInputException naming the field that cannot become a header
     */
    public static ComposedMessage compose(Draft d, Instant now, String hostname, byte[] random16) {
        headerText("subject", d.subject());
        d.fromName().ifPresent(n -> {
            headerText("from_name", n);
            if (SubmittedHeader.embedsOtherAddress(n, d.from())) {
                throw new InvalidInputException("from_name must not contain an email address");
            }
        });
        d.inReplyTo().ifPresent(id -> msgId("in_reply_to", id));
        d.references().forEach(id -> msgId("in_reply_to", id));
        for (int i = 0; i < d.attachments().size(); i++) {
            Attachment a = d.attachments().get(i);
            headerText("attachments[" + i + "].filename", a.filename());
            if (a.filename().isBlank() || a.filename().length() > 255) {
                throw new InvalidInputException("attachments[" + i + "].filename must be 1 to 255 characters");
            }
            if (!CONTENT_TYPE.matcher(a.contentType()).matches()) {
                throw new InvalidInputException("attachments[" + i + "].content_type must be a type/subtype");
            }
        }
        String messageId = "<" + HexFormat.of().formatHex(random16) + "@" + hostname + ">";
        try {
            Message.Builder m = Message.Builder.of();
            m.setFrom(mailbox(d.from(), d.fromName()));
            if (!d.to().isEmpty()) {
                m.setTo(d.to().stream().map(a -> mailbox(a, Optional.empty())).toList());
            }
            if (!d.cc().isEmpty()) {
                m.setCc(d.cc().stream().map(a -> mailbox(a, Optional.empty())).toList());
            }
            m.setDate(Date.from(now), TimeZone.getTimeZone("UTC"));
            m.setMessageId(messageId);
            m.setSubject(d.subject());
            d.inReplyTo().ifPresent(id -> m.addField(new RawField("In-Reply-To", id)));
            if (!d.references().isEmpty()) {
                m.addField(new RawField("References", String.join(" ", d.references())));
            }
            m.addField(new RawField("MIME-Version", "1.0"));
            BodyPartBuilder content = body(d);
            if (d.attachments().isEmpty()) {
                m.setBody(content.getBody());
                copyContentFields(content, m);
            } else {
                MultipartBuilder mixed = MultipartBuilder.create("mixed").addBodyPart(content);
                for (Attachment a : d.attachments()) {
                    mixed.addBodyPart(attachment(a));
                }
                m.setBody(mixed.build());
                m.setContentType("multipart/mixed", new NameValuePair("boundary", boundary()));
            }
            return new ComposedMessage(m.build(), messageId);
        } catch (IOException e) {
            throw new InvalidInputException("the message could not be composed", e);
        }
    }

    /** The Message-ID: this message carries (with angle brackets). */
    public String messageId() {
        return messageId;
    }

    /** Writes the whole message, CRLF line endings, ready to spool. */
    public void writeTo(OutputStream out) throws IOException {
        new DefaultMessageWriter().writeMessage(message, out);
    }

    private static BodyPartBuilder body(Draft d) throws IOException {
        BodyPartBuilder text = textPart(d.text(), "text/plain");
        if (d.html().isEmpty()) {
            return text;
        }
        MultipartBuilder alternative = MultipartBuilder.create("alternative").addBodyPart(text)
                .addBodyPart(textPart(d.html().get(), "text/html"));
        return BodyPartBuilder.create().setBody(alternative.build())
                .setContentType("multipart/alternative", new NameValuePair("boundary", boundary()));
    }

    private static BodyPartBuilder textPart(String text, String type) {
        return BodyPartBuilder.create()
                .setBody(BasicBodyFactory.INSTANCE.textBody(crlf(text), StandardCharsets.UTF_8))
                .setContentType(type, new NameValuePair("charset", "UTF-8"))
                .setContentTransferEncoding("quoted-printable");
    }

    private static BodyPartBuilder attachment(Attachment a) {
        String type = a.contentType().toLowerCase(Locale.ROOT);
        BodyPartBuilder part = BodyPartBuilder.create().setBody(BasicBodyFactory.INSTANCE.binaryBody(a.content()));
        part.setField(new RawField("Content-Type", type + "; name=" + quotedName(a.filename())));
        part.setContentTransferEncoding("base64");
        part.setField(new RawField("Content-Disposition", "attachment; filename=" + quotedName(a.filename())
                + (ascii(a.filename()) ? "" : rfc2231("filename", a.filename()))));
        return part;
    }

    private static void copyContentFields(BodyPartBuilder from, Message.Builder to) {
        for (var f : from.getFields()) {
            to.setField(f);
        }
    }

    private static Mailbox mailbox(EmailAddress a, Optional<String> name) {
        return new Mailbox(name.filter(n -> !n.isBlank()).orElse(null), a.localPart(), a.domain().toString());
    }

    /** Refuses control characters (CR and LF above all) and overlong text in anything that becomes a header. */
    public static void headerText(String field, String value) {
        if (value.length() > MAX_HEADER_TEXT) {
            throw new InvalidInputException(field + " is too long");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) || c == '\u2028' || c == '\u2029') {
                throw new InvalidInputException(field + " must not contain line breaks or control characters");
            }
        }
    }

    private static void msgId(String field, String value) {
        headerText(field, value);
        if (!MSG_ID.matcher(value).matches()) {
            throw new InvalidInputException(field + " is not a message id");
        }
    }

    private static boolean ascii(String s) {
        return s.chars().allMatch(c -> c >= 0x20 && c < 0x7f);
    }

    /** A quoted-string: ASCII as is (quotes and backslashes escaped), anything else RFC 2047 encoded. */
    private static String quotedName(String name) {
        // mime4j folds the field when writing it: the value itself must hold no line break.
        String shown = ascii(name) ? name : EncoderUtil.encodeEncodedWord(name, EncoderUtil.Usage.TEXT_TOKEN, 0,
                StandardCharsets.UTF_8, EncoderUtil.Encoding.B).replace("\r\n", "");
        return "\"" + shown.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    /**
     * The RFC 2231 parameter ("; name*0*=UTF-8''...; name*1*=..."): percent-encoded UTF-8 in
     * sections short enough that the writer can fold between them, so no line passes 998 octets.
     */
    private static String rfc2231(String parameter, String value) {
        List<String> sections = new ArrayList<>();
        StringBuilder current = new StringBuilder("UTF-8''");
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            String encoded = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || "!#$&+-.^_`|~".indexOf(c) >= 0 ? String.valueOf((char) c)
                    : "%" + HexFormat.of().withUpperCase().toHexDigits((byte) c);
            if (current.length() + encoded.length() > 60) {
                sections.add(current.toString());
                current = new StringBuilder();
            }
            current.append(encoded);
        }
        sections.add(current.toString());
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < sections.size(); i++) {
            out.append("; ").append(parameter).append('*').append(i).append("*=").append(sections.get(i));
        }
        return out.toString();
    }

    private static String crlf(String text) {
        return text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\r\n");
    }

    private static String boundary() {
        byte[] r = new byte[12];
        new java.security.SecureRandom().nextBytes(r);
        return "=_postern_" + HexFormat.of().formatHex(r);
    }
}
