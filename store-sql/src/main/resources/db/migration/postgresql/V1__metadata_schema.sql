-- Postern metadata schema, PostgreSQL flavour. Keep it logically identical to db/migration/sqlite:
-- same tables, columns, constraint names and indexes; only the column types differ.
--   ids         canonical 36-character UUID text
--   timestamps  epoch milliseconds (BIGINT here, INTEGER there)
--   byte[]      BYTEA here, BLOB there
--   booleans    BOOLEAN here, INTEGER 0/1 there
-- Every tenant-owned row carries tenant_id (PostgreSQL row-level security will key on it), and
-- composite foreign keys make the database itself refuse a row whose owner is in another tenant.

CREATE TABLE tenants (
    id          TEXT    NOT NULL PRIMARY KEY,
    name        TEXT    NOT NULL,
    created_at  BIGINT  NOT NULL,
    CONSTRAINT tenants_name_key UNIQUE (name)
);

CREATE TABLE domains (
    id          TEXT    NOT NULL PRIMARY KEY,
    tenant_id   TEXT    NOT NULL,
    name        TEXT    NOT NULL,
    created_at  BIGINT  NOT NULL,
    CONSTRAINT domains_name_key UNIQUE (name),
    CONSTRAINT domains_tenant_fk FOREIGN KEY (tenant_id) REFERENCES tenants (id)
);
CREATE INDEX domains_tenant_idx ON domains (tenant_id);

CREATE TABLE users (
    id                 TEXT    NOT NULL PRIMARY KEY,
    tenant_id          TEXT    NOT NULL,
    login              TEXT    NOT NULL,
    role               TEXT    NOT NULL,
    password_hash      TEXT    NOT NULL,
    disabled           BOOLEAN NOT NULL DEFAULT FALSE,
    -- The last UIDVALIDITY handed to one of this user's mailboxes; survives mailbox deletion.
    last_uid_validity  BIGINT  NOT NULL DEFAULT 0,
    created_at         BIGINT  NOT NULL,
    CONSTRAINT users_login_key UNIQUE (login),
    CONSTRAINT users_id_tenant_key UNIQUE (id, tenant_id),
    CONSTRAINT users_tenant_fk FOREIGN KEY (tenant_id) REFERENCES tenants (id)
);
CREATE INDEX users_tenant_idx ON users (tenant_id);

CREATE TABLE addresses (
    id           TEXT    NOT NULL PRIMARY KEY,
    tenant_id    TEXT    NOT NULL,
    owner_id     TEXT    NOT NULL,
    address      TEXT    NOT NULL,
    state        TEXT    NOT NULL CHECK (state IN ('ACTIVE', 'REVOKED')),
    sealed_note  BYTEA,
    created_at   BIGINT  NOT NULL,
    revoked_at   BIGINT,
    CONSTRAINT addresses_address_key UNIQUE (address),
    CONSTRAINT addresses_owner_fk FOREIGN KEY (owner_id, tenant_id) REFERENCES users (id, tenant_id),
    CONSTRAINT addresses_revoked_check CHECK ((state = 'REVOKED') = (revoked_at IS NOT NULL))
);
CREATE INDEX addresses_tenant_idx ON addresses (tenant_id);
CREATE INDEX addresses_owner_idx ON addresses (owner_id);

CREATE TABLE data_keys (
    owner_id       TEXT    NOT NULL PRIMARY KEY,
    tenant_id      TEXT    NOT NULL,
    master_key_id  TEXT    NOT NULL,
    wrapped        BYTEA   NOT NULL,
    created_at     BIGINT  NOT NULL,
    CONSTRAINT data_keys_owner_fk FOREIGN KEY (owner_id, tenant_id) REFERENCES users (id, tenant_id)
);
CREATE INDEX data_keys_tenant_idx ON data_keys (tenant_id);

CREATE TABLE mailboxes (
    id              TEXT    NOT NULL PRIMARY KEY,
    tenant_id       TEXT    NOT NULL,
    owner_id        TEXT    NOT NULL,
    name            TEXT    NOT NULL,
    special_use     TEXT,
    uid_validity    BIGINT  NOT NULL CHECK (uid_validity BETWEEN 1 AND 4294967295),
    uid_next        BIGINT  NOT NULL CHECK (uid_next >= 1),
    highest_modseq  BIGINT  NOT NULL CHECK (highest_modseq >= 1),
    subscribed      BOOLEAN NOT NULL DEFAULT TRUE,
    created_at      BIGINT  NOT NULL,
    CONSTRAINT mailboxes_owner_name_key UNIQUE (owner_id, name),
    CONSTRAINT mailboxes_owner_special_use_key UNIQUE (owner_id, special_use),
    CONSTRAINT mailboxes_id_owner_tenant_key UNIQUE (id, owner_id, tenant_id),
    CONSTRAINT mailboxes_owner_fk FOREIGN KEY (owner_id, tenant_id) REFERENCES users (id, tenant_id)
);
CREATE INDEX mailboxes_tenant_idx ON mailboxes (tenant_id);

CREATE TABLE messages (
    id              TEXT    NOT NULL PRIMARY KEY,
    tenant_id       TEXT    NOT NULL,
    owner_id        TEXT    NOT NULL,
    mailbox_id      TEXT    NOT NULL,
    uid             BIGINT  NOT NULL CHECK (uid BETWEEN 1 AND 4294967295),
    modseq          BIGINT  NOT NULL CHECK (modseq >= 1),
    flags           TEXT    NOT NULL,
    internal_date   BIGINT  NOT NULL,
    size            BIGINT  NOT NULL CHECK (size >= 0),
    sealed_summary  BYTEA,
    blob_id         TEXT    NOT NULL,
    deleted_at      BIGINT,
    CONSTRAINT messages_mailbox_uid_key UNIQUE (mailbox_id, uid),
    CONSTRAINT messages_mailbox_fk FOREIGN KEY (mailbox_id, owner_id, tenant_id)
        REFERENCES mailboxes (id, owner_id, tenant_id)
);
CREATE INDEX messages_tenant_idx ON messages (tenant_id);
CREATE INDEX messages_owner_idx ON messages (owner_id);
CREATE INDEX messages_mailbox_modseq_idx ON messages (mailbox_id, modseq);
CREATE INDEX messages_blob_idx ON messages (blob_id);
CREATE INDEX messages_deleted_at_idx ON messages (deleted_at) WHERE deleted_at IS NOT NULL;
