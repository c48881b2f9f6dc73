package org.postern.store.sql;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;

/** Reading and writing the column encodings shared by both backends (ids as text, times as epoch ms). */
final class Rows {
    private Rows() {}

    static long millis(Instant instant) {
        return instant.toEpochMilli();
    }

    static Instant instant(ResultSet rs, String column) throws SQLException {
        return Instant.ofEpochMilli(rs.getLong(column));
    }

    static Optional<Instant> optionalInstant(ResultSet rs, String column) throws SQLException {
        long value = rs.getLong(column);
        return rs.wasNull() ? Optional.empty() : Optional.of(Instant.ofEpochMilli(value));
    }

    static byte[] copy(byte[] bytes) {
        return bytes == null ? null : bytes.clone();
    }
}
