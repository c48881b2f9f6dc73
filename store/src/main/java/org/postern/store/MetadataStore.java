package org.postern.store;

/**
 * The metadata database. All access goes through {@link #inTransaction}: the work sees one
 * consistent state and is committed durably (synchronous commit) before this method returns, or
 * rolled back entirely if it throws.
 */
public interface MetadataStore extends AutoCloseable {

    /** A unit of work against the repositories of one transaction. */
    @FunctionalInterface
    interface Work<T> {
        T run(Repositories repositories);
    }

    /**
     * Runs {@code work} in one transaction.
     * @throws org.postern.model.UnavailableException when the database fails; nothing was committed
     */
    <T> T inTransaction(Work<T> work);

    /**
     * Runs {@code work}, which only reads, in one transaction that sees one consistent, committed
     * state. A backend may run it beside writers instead of queueing it behind them (SQLite under
     * WAL: no write lock is taken), and may refuse a write attempted in it.
     * @throws org.postern.model.UnavailableException when the database fails
     */
    default <T> T inReadTransaction(Work<T> work) {
        return inTransaction(work);
    }

    /** Which backend this is, for logs and the operator ("sqlite", "postgresql"). */
    String backendName();

    @Override
    void close();
}
