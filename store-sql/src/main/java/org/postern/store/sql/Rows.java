package org.postern.store.sql;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.postern.model.InvalidInputException;

/** Reading and writing the column encodings shared by both backends (ids as text, times as epoch ms). */
final class Rows {
    private Rows() {}

    static long millis(Instant instant) {
        return instant.toEpochMilli();
    }

    /** The millis of {@code instant}, or a typed null to bind for an absent one. */
    static Long millis(Optional<Instant> instant) {
        return instant.map(Instant::toEpochMilli).orElse(null);
    }

    static Instant instant(ResultSet rs, String column) throws SQLException {
        return Instant.ofEpochMilli(rs.getLong(column));
    }

    static Optional<Instant> optionalInstant(ResultSet rs, String column) throws SQLException {
        long value = rs.getLong(column);
        return rs.wasNull() ? Optional.empty() : Optional.of(Instant.ofEpochMilli(value));
    }

    static Optional<Double> optionalDouble(ResultSet rs, String column) throws SQLException {
        double value = rs.getDouble(column);
        return rs.wasNull() ? Optional.empty() : Optional.of(value);
    }

    /** A plain UUID column (ids without a typed wrapper), with the typed ids' strictness: one spelling. */
    static UUID uuid(ResultSet rs, String column) throws SQLException {
        String text = rs.getString(column);
        try {
            UUID id = UUID.fromString(text);
            if (id.toString().equals(text)) {
                return id;
            }
        } catch (IllegalArgumentException | NullPointerException e) {
            // falls through
        }
        throw new InvalidInputException("not a valid id");
    }

    static byte[] copy(byte[] bytes) {
        return bytes == null ? null : bytes.clone();
    }
}
