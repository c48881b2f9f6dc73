-- Addresses gain the state SUSPENDED (refused at RCPT TO, reinstatable; REVOKED stays final).
-- SQLite cannot change a CHECK constraint in place, so the table is rebuilt following SQLite's
-- documented procedure for other kinds of table schema changes (https://sqlite.org/lang_altertable.html#otheralter):
--  1. foreign_keys=OFF: not needed and not possible here: Flyway runs this file in a transaction
--     (where the pragma is a no-op), and no table refers to addresses, so dropping it breaks no reference.
--  2. the transaction is Flyway's.
--  3. the schema objects on addresses: the two indexes below; no triggers or views.
--  4. create the new table with the new constraint;
CREATE TABLE new_addresses (
    id           TEXT    NOT NULL PRIMARY KEY,
    tenant_id    TEXT    NOT NULL,
    owner_id     TEXT    NOT NULL,
    address      TEXT    NOT NULL,
    state        TEXT    NOT NULL CHECK (state IN ('ACTIVE', 'SUSPENDED', 'REVOKED')),
    sealed_note  BLOB,
    created_at   INTEGER NOT NULL,
    revoked_at   INTEGER,
    CONSTRAINT addresses_address_key UNIQUE (address),
    CONSTRAINT addresses_owner_fk FOREIGN KEY (owner_id, tenant_id) REFERENCES users (id, tenant_id),
    CONSTRAINT addresses_revoked_check CHECK ((state = 'REVOKED') = (revoked_at IS NOT NULL))
) STRICT;
--  5. copy the rows;
INSERT INTO new_addresses (id, tenant_id, owner_id, address, state, sealed_note, created_at, revoked_at)
    SELECT id, tenant_id, owner_id, address, state, sealed_note, created_at, revoked_at FROM addresses;
--  6. drop the old table;
DROP TABLE addresses;
--  7. give the new one its name;
ALTER TABLE new_addresses RENAME TO addresses;
--  8. recreate the indexes;
CREATE INDEX addresses_tenant_idx ON addresses (tenant_id);
CREATE INDEX addresses_owner_idx ON addresses (owner_id);
--  9. no views to recreate.
-- 10. the rows were copied unchanged and the foreign key is enforced on insert, so there is
--     nothing for foreign_key_check to find; 11. Flyway commits; 12. nothing to turn back on.
