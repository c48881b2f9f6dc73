/**
 * The metadata store on SQL: SQLite (embedded, the default) and PostgreSQL.
 *
 * <p>SECURITY: this package is exposed to values that came from users (addresses, mailbox names,
 * flags, sealed bytes) but only ever as bound parameters: SQL text is built from constants and the
 * column names of {@link org.postern.store.sql.ScopeFilter}, never from a value. It reaches the
 * database and nothing else. Every query and change is limited by the caller's
 * {@link org.postern.access.Scope}: a row outside it is treated exactly as a row that does not exist.
 * On PostgreSQL the database enforces the scope's tenant too (row-level security, set per
 * transaction from the scope; see {@link org.postern.store.sql.Tx}), and the store refuses to run
 * as a role that could get round it ({@link org.postern.store.sql.PostgresRoles}).
 * Errors leave here without SQL text, bound values or credentials ({@link org.postern.store.sql.SqlErrors}),
 * and nothing here logs row contents.
 */
package org.postern.store.sql;
