package org.postern.store.sql;

import java.util.function.Function;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.JdbiException;
import org.postern.access.Scope;
import org.postern.model.IntegrityException;
import org.postern.model.InvalidInputException;

/** What every SQL repository shares: its transaction, and the translation of failures. */
abstract class SqlRepository {
    protected final Tx tx;

    SqlRepository(Tx tx) {
        this.tx = tx;
    }

    /**
     * Runs {@code statement} on this transaction's handle, inside {@code scope}; database failures
     * leave as Postern failures. The scope is handed to the transaction first, so that on
     * PostgreSQL row-level security limits the statement to the scope's tenant as well (the second
     * line behind the statement's own {@link ScopeFilter} conditions).
     * Values are validated before any statement runs, so a validation failure in here comes from
     * mapping a stored row (an id or address that no longer parses): that is damaged data.
     */
    protected final <T> T sql(Scope scope, Function<Handle, T> statement) {
        Handle handle = tx.handle();
        try {
            tx.enter(scope);
            return statement.apply(handle);
        } catch (JdbiException e) {
            throw SqlErrors.translate(e);
        } catch (InvalidInputException e) {
            throw new IntegrityException("a stored row failed validation", e);
        }
    }
}
