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
     * Runs {@code work}, which only reads, in one transaction that sees a consistent state. A
     * backend may run it beside writers instead of after them (SQLite in WAL mode does); a write
     * inside it fails. The default is {@link #inTransaction}.
     * @throws org.postern.model.UnavailableException when the database fails
     */
    default <T> T inReadTransaction(Work<T> work) {
        return inTransaction(work);
    }

    /**
     * As {@link #inTransaction}, but the backend may commit {@code work} in one transaction together
     * with other threads' works that are waiting at the same time (group commit: one fsync for
     * all). When this returns, {@code work} is durably committed, exactly as with inTransaction; if
     * it throws, nothing of {@code work} was committed. The work may run on another thread, must
     * not depend on any other caller's work, and must be safe to run twice (if another work of the
     * group fails, the group is rolled back and each work runs again alone). The default is
     * {@link #inTransaction}.
     */
    default <T> T inGroupedTransaction(Work<T> work) {
        return inTransaction(work);
    }

    /** Which backend this is, for logs and the operator ("sqlite", "postgresql"). */
    String backendName();

    @Override
    void close();
}
