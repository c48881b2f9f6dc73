-- The outbound queue: one row per message waiting for remote delivery (its content is a blob
-- encrypted under the sender's data key, never stored here) and one row per remote recipient.
CREATE TABLE outbound_messages (
    id              TEXT    NOT NULL PRIMARY KEY,
    tenant_id       TEXT    NOT NULL,
    owner_id        TEXT    NOT NULL,
    envelope_from   TEXT    NOT NULL,
    blob_id         TEXT    NOT NULL,
    size            INTEGER NOT NULL CHECK (size >= 0),
    created_at      INTEGER NOT NULL,
    expires_at      INTEGER NOT NULL,
    CONSTRAINT outbound_messages_owner_fk FOREIGN KEY (owner_id, tenant_id) REFERENCES users (id, tenant_id)
) STRICT;
CREATE INDEX outbound_messages_owner_idx ON outbound_messages (owner_id);
CREATE INDEX outbound_messages_tenant_created_idx ON outbound_messages (tenant_id, created_at);
CREATE INDEX outbound_messages_created_idx ON outbound_messages (created_at);

CREATE TABLE outbound_recipients (
    id              TEXT    NOT NULL PRIMARY KEY,
    message_id      TEXT    NOT NULL REFERENCES outbound_messages (id),
    tenant_id       TEXT    NOT NULL,
    owner_id        TEXT    NOT NULL,
    recipient       TEXT    NOT NULL,
    domain          TEXT    NOT NULL,
    state           TEXT    NOT NULL CHECK (state IN ('QUEUED', 'DEFERRED', 'DELIVERED', 'FAILED')),
    attempts        INTEGER NOT NULL CHECK (attempts >= 0),
    next_attempt_at INTEGER NOT NULL,
    last_reply      TEXT,
    delay_notified  INTEGER NOT NULL CHECK (delay_notified IN (0, 1)),
    lease_owner     TEXT,
    lease_until     INTEGER
) STRICT;
CREATE INDEX outbound_recipients_message_idx ON outbound_recipients (message_id);
CREATE INDEX outbound_recipients_due_idx ON outbound_recipients (state, next_attempt_at);
