package org.postern.store.sql;

import java.sql.SQLException;
import org.postern.model.ConflictException;
import org.postern.model.InvalidInputException;
import org.postern.model.NotFoundException;
import org.postern.model.PosternException;
import org.postern.model.UnavailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * Turns driver and Jdbi failures into Postern's failure types without carrying their text along:
 * Jdbi messages quote the statement and its bound values, and server messages can quote a row.
 */
final class SqlErrors {
    private static final Logger LOG = LoggerFactory.getLogger(SqlErrors.class);

    private SqlErrors() {}

    /** The Postern failure for {@code failure}; a PosternException inside it passes through unchanged. */
    static PosternException translate(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof PosternException p) {
                return p;
            }
        }
        SQLException sql = findSql(failure);
        Sanitized cause = new Sanitized(failure, sql);
        if (sql != null) {
            String state = sql.getSQLState() == null ? "" : sql.getSQLState();
            SQLiteErrorCode sqlite = sql instanceof SQLiteException s ? s.getResultCode() : null;
            if (state.equals("23505") || sqlite == SQLiteErrorCode.SQLITE_CONSTRAINT_UNIQUE
                    || sqlite == SQLiteErrorCode.SQLITE_CONSTRAINT_PRIMARYKEY) {
                return new ConflictException("row already exists", cause);
            }
            if (state.equals("23503") || sqlite == SQLiteErrorCode.SQLITE_CONSTRAINT_FOREIGNKEY) {
                return new NotFoundException("referenced row not found", cause);
            }
            if (state.equals("23502") || state.equals("23514") || sqlite == SQLiteErrorCode.SQLITE_CONSTRAINT_CHECK
                    || sqlite == SQLiteErrorCode.SQLITE_CONSTRAINT_NOTNULL) {
                return new InvalidInputException("value refused by the database", cause);
            }
            if (sqlite != null && (sqlite.name().startsWith("SQLITE_BUSY") || sqlite.name().startsWith("SQLITE_LOCKED"))) {
                LOG.warn("event=store.sql.busy code={}", sqlite.name());
                return new UnavailableException("metadata database is busy", cause);
            }
        }
        LOG.warn("event=store.sql.failed {}", cause.getMessage());
        return new UnavailableException("metadata database unavailable", cause);
    }

    private static SQLException findSql(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SQLException s) {
                return s;
            }
        }
        return null;
    }

    /**
     * Stands in for the original exception as a cause: it keeps the type, the SQLSTATE, the vendor
     * code and the stack trace, and drops the message, which may quote SQL or row values.
     */
    static final class Sanitized extends Exception {
        Sanitized(Throwable original, SQLException sql) {
            super(describe(original, sql), null, false, true);
            setStackTrace(original.getStackTrace());
        }

        private static String describe(Throwable original, SQLException sql) {
            StringBuilder s = new StringBuilder("type=").append(original.getClass().getName());
            if (sql != null) {
                s.append(" sqlType=").append(sql.getClass().getName())
                        .append(" sqlState=").append(sql.getSQLState())
                        .append(" vendorCode=").append(sql.getErrorCode());
                if (sql instanceof SQLiteException e) {
                    s.append(" sqliteCode=").append(e.getResultCode().name());
                }
            }
            return s.toString();
        }
    }
}
