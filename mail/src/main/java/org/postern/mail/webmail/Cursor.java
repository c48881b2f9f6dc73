package org.postern.mail.webmail;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import org.postern.model.InvalidInputException;
import org.postern.model.MessageId;
import org.postern.store.MessagePage;

/**
 * The opaque paging cursor handed to clients: where the previous page ended, for one sort and
 * direction. Either a key (internal date and id: arrival order and search) or an offset (the
 * sorts done in memory). It carries no authority: every page is read in the caller's scope, so a
 * forged cursor can only move within the caller's own messages. Anything that does not decode
 * exactly is a 400.
 */
sealed interface Cursor {
    record Key(EnvelopeSort sort, boolean descending, MessagePage.Key key) implements Cursor {}

    record Offset(EnvelopeSort sort, boolean descending, int offset) implements Cursor {}

    int MAX_CHARS = 200;

    static String encode(Cursor c) {
        String plain = switch (c) {
            case Key k -> "k|" + k.sort().name() + "|" + (k.descending() ? "d" : "a") + "|"
                    + k.key().internalDate().toEpochMilli() + "|" + k.key().id();
            case Offset o -> "o|" + o.sort().name() + "|" + (o.descending() ? "d" : "a") + "|" + o.offset();
        };
        return Base64.getUrlEncoder().withoutPadding().encodeToString(plain.getBytes(StandardCharsets.UTF_8));
    }

    static Optional<Cursor> decode(Optional<String> cursor, EnvelopeSort sort, boolean descending) {
        if (cursor.isEmpty()) {
            return Optional.empty();
        }
        String text = cursor.get();
        try {
            if (text.isEmpty() || text.length() > MAX_CHARS) {
                throw new IllegalArgumentException();
            }
            String[] f = new String(Base64.getUrlDecoder().decode(text), StandardCharsets.UTF_8).split("\\|", -1);
            if (!EnvelopeSort.valueOf(f[1]).equals(sort) || !f[2].equals(descending ? "d" : "a")) {
                throw new InvalidInputException("cursor does not belong to this sort and order");
            }
            if (f[0].equals("k") && f.length == 5) {
                return Optional.of(new Key(sort, descending,
                        new MessagePage.Key(Instant.ofEpochMilli(Long.parseLong(f[3])), MessageId.parse(f[4]))));
            }
            if (f[0].equals("o") && f.length == 4) {
                int offset = Integer.parseInt(f[3]);
                if (offset < 0) {
                    throw new IllegalArgumentException();
                }
                return Optional.of(new Offset(sort, descending, offset));
            }
            throw new IllegalArgumentException();
        } catch (InvalidInputException e) {
            if (e.getMessage().startsWith("cursor")) {
                throw e;
            }
            throw new InvalidInputException("cursor is not valid");
        } catch (RuntimeException e) {
            throw new InvalidInputException("cursor is not valid");
        }
    }
}
