-- Postern identity and access schema, SQLite flavour. Keep it logically identical to
-- db/migration/postgresql/V2__identity.sql; the type conventions are those of V1:
--   ids         canonical 36-character UUID text
--   timestamps  epoch milliseconds (INTEGER here, BIGINT there)
--   byte[]      BLOB here, BYTEA there (hashes are SHA-256; lookups compare the bytes)
--   booleans    INTEGER 0/1 here, BOOLEAN there
--   decimals    REAL here, DOUBLE PRECISION there
-- User-owned rows carry owner_id and tenant_id, with composite foreign keys to users, so a row can
-- never belong to a user of another tenant. The audit log alone has no foreign key: its entries
-- outlive the users they name.

CREATE TABLE auth_sessions (
    id              TEXT    NOT NULL PRIMARY KEY,
    tenant_id       TEXT    NOT NULL,
    owner_id        TEXT    NOT NULL,
    level           TEXT    NOT NULL CHECK (level IN ('FULL', 'ENROL_MFA', 'VERIFY_EMAIL')),
    device          TEXT    NOT NULL,
    ip              TEXT    NOT NULL,
    created_at      INTEGER NOT NULL,
    last_seen_at    INTEGER NOT NULL,
    expires_at      INTEGER NOT NULL,
    revoked_at      INTEGER,
    revoked_reason  TEXT,
    CONSTRAINT auth_sessions_id_owner_tenant_key UNIQUE (id, owner_id, tenant_id),
    CONSTRAINT auth_sessions_owner_fk FOREIGN KEY (owner_id, tenant_id) REFERENCES users (id, tenant_id),
    CONSTRAINT auth_sessions_revoked_check CHECK ((revoked_at IS NULL) = (revoked_reason IS NULL))
) STRICT;
CREATE INDEX auth_sessions_owner_idx ON auth_sessions (owner_id, created_at);
CREATE INDEX auth_sessions_expires_idx ON auth_sessions (expires_at);
CREATE INDEX auth_sessions_revoked_idx ON auth_sessions (revoked_at) WHERE revoked_at IS NOT NULL;

CREATE TABLE refresh_tokens (
    token_hash  BLOB    NOT NULL PRIMARY KEY,
    session_id  TEXT    NOT NULL,
    tenant_id   TEXT    NOT NULL,
    owner_id    TEXT    NOT NULL,
    issued_at   INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    used_at     INTEGER,
    CONSTRAINT refresh_tokens_session_fk FOREIGN KEY (session_id, owner_id, tenant_id)
        REFERENCES auth_sessions (id, owner_id, tenant_id)
) STRICT;
CREATE INDEX refresh_tokens_session_idx ON refresh_tokens (session_id);

CREATE TABLE credentials (
    id            TEXT    NOT NULL PRIMARY KEY,
    tenant_id     TEXT    NOT NULL,
    owner_id      TEXT    NOT NULL,
    kind          TEXT    NOT NULL CHECK (kind IN ('APP_PASSWORD', 'API_TOKEN')),
    name          TEXT    NOT NULL,
    -- sorted scope names separated by single spaces
    scopes        TEXT    NOT NULL,
    secret_hash   BLOB    NOT NULL,
    created_at    INTEGER NOT NULL,
    expires_at    INTEGER,
    last_used_at  INTEGER,
    revoked_at    INTEGER,
    CONSTRAINT credentials_owner_fk FOREIGN KEY (owner_id, tenant_id) REFERENCES users (id, tenant_id)
) STRICT;
CREATE INDEX credentials_owner_kind_idx ON credentials (owner_id, kind, created_at);

CREATE TABLE totp_enrolments (
    owner_id        TEXT    NOT NULL PRIMARY KEY,
    tenant_id       TEXT    NOT NULL,
    sealed_secret   BLOB    NOT NULL,
    created_at      INTEGER NOT NULL,
    confirmed_at    INTEGER,
    -- the latest time step whose code was accepted; no code of this step or an earlier one is accepted again
    last_used_step  INTEGER NOT NULL,
    CONSTRAINT totp_enrolments_owner_fk FOREIGN KEY (owner_id, tenant_id) REFERENCES users (id, tenant_id)
) STRICT;

CREATE TABLE recovery_codes (
    owner_id    TEXT    NOT NULL,
    tenant_id   TEXT    NOT NULL,
    code_hash   BLOB    NOT NULL,
    created_at  INTEGER NOT NULL,
    used_at     INTEGER,
    PRIMARY KEY (owner_id, code_hash),
    CONSTRAINT recovery_codes_owner_fk FOREIGN KEY (owner_id, tenant_id) REFERENCES users (id, tenant_id)
) STRICT;

CREATE TABLE invites (
    id          TEXT    NOT NULL PRIMARY KEY,
    tenant_id   TEXT    NOT NULL,
    login       TEXT    NOT NULL,
    role        TEXT    NOT NULL,
    token_hash  BLOB    NOT NULL,
    created_by  TEXT    NOT NULL,
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    used_at     INTEGER,
    CONSTRAINT invites_token_hash_key UNIQUE (token_hash),
    CONSTRAINT invites_tenant_fk FOREIGN KEY (tenant_id) REFERENCES tenants (id)
) STRICT;
CREATE INDEX invites_tenant_idx ON invites (tenant_id, created_at);

CREATE TABLE one_time_codes (
    id          TEXT    NOT NULL PRIMARY KEY,
    tenant_id   TEXT    NOT NULL,
    owner_id    TEXT    NOT NULL,
    purpose     TEXT    NOT NULL CHECK (purpose IN ('VERIFY_EMAIL', 'RECOVERY', 'MFA_CHALLENGE')),
    code_hash   BLOB    NOT NULL,
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    used_at     INTEGER,
    attempts    INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    CONSTRAINT one_time_codes_owner_fk FOREIGN KEY (owner_id, tenant_id) REFERENCES users (id, tenant_id)
) STRICT;
CREATE INDEX one_time_codes_owner_purpose_idx ON one_time_codes (owner_id, purpose, created_at);
CREATE INDEX one_time_codes_hash_idx ON one_time_codes (purpose, code_hash);

-- Server-wide: keys name an address or an account, and every node counts in the same rows.
CREATE TABLE signin_throttle (
    throttle_key      TEXT    NOT NULL PRIMARY KEY,
    failures          INTEGER NOT NULL CHECK (failures >= 0),
    first_failure_at  INTEGER NOT NULL,
    last_failure_at   INTEGER NOT NULL,
    locked_until      INTEGER
) STRICT;
CREATE INDEX signin_throttle_last_failure_idx ON signin_throttle (last_failure_at);

CREATE TABLE signin_history (
    id            TEXT    NOT NULL PRIMARY KEY,
    tenant_id     TEXT    NOT NULL,
    owner_id      TEXT    NOT NULL,
    ip            TEXT    NOT NULL,
    -- SHA-256 (hex) of the User-Agent
    device_hash   TEXT    NOT NULL,
    signed_in_at  INTEGER NOT NULL,
    latitude      REAL,
    longitude     REAL,
    CONSTRAINT signin_history_owner_fk FOREIGN KEY (owner_id, tenant_id) REFERENCES users (id, tenant_id)
) STRICT;
CREATE INDEX signin_history_owner_at_idx ON signin_history (owner_id, signed_in_at);
CREATE INDEX signin_history_owner_device_idx ON signin_history (owner_id, device_hash);
CREATE INDEX signin_history_owner_ip_idx ON signin_history (owner_id, ip);

CREATE TABLE account_security (
    owner_id             TEXT    NOT NULL PRIMARY KEY,
    tenant_id            TEXT    NOT NULL,
    recovery_address     TEXT,
    email_verified       INTEGER NOT NULL CHECK (email_verified IN (0, 1)),
    password_changed_at  INTEGER,
    CONSTRAINT account_security_owner_fk FOREIGN KEY (owner_id, tenant_id) REFERENCES users (id, tenant_id)
) STRICT;

CREATE TABLE tenant_policies (
    tenant_id    TEXT    NOT NULL PRIMARY KEY,
    require_mfa  INTEGER NOT NULL CHECK (require_mfa IN (0, 1)),
    risk_mode    TEXT    NOT NULL CHECK (risk_mode IN ('OFF', 'AUDIT', 'ENFORCED')),
    CONSTRAINT tenant_policies_tenant_fk FOREIGN KEY (tenant_id) REFERENCES tenants (id)
) STRICT;

-- Append-only and hash-chained (hash covers prev_hash and the other fields). seq is handed out by
-- the appender while it holds the log exclusively, so it has no gaps. tenant_id and owner_id are
-- empty for server-level events, and refer to nothing: entries outlive the users they name.
CREATE TABLE audit_log (
    seq          INTEGER NOT NULL PRIMARY KEY CHECK (seq >= 1),
    occurred_at  INTEGER NOT NULL,
    tenant_id    TEXT,
    owner_id     TEXT,
    actor        TEXT    NOT NULL,
    action       TEXT    NOT NULL,
    outcome      TEXT    NOT NULL,
    ip           TEXT    NOT NULL,
    user_agent   TEXT    NOT NULL,
    details      TEXT    NOT NULL,
    prev_hash    BLOB    NOT NULL,
    hash         BLOB    NOT NULL,
    CONSTRAINT audit_log_subject_tenant_check CHECK (owner_id IS NULL OR tenant_id IS NOT NULL)
) STRICT;
CREATE INDEX audit_log_tenant_seq_idx ON audit_log (tenant_id, seq);
CREATE INDEX audit_log_owner_seq_idx ON audit_log (owner_id, seq);

CREATE TABLE outbox (
    id              TEXT    NOT NULL PRIMARY KEY,
    tenant_id       TEXT    NOT NULL,
    owner_id        TEXT    NOT NULL,
    recipient       TEXT    NOT NULL,
    kind            TEXT    NOT NULL,
    sealed_message  BLOB    NOT NULL,
    created_at      INTEGER NOT NULL,
    CONSTRAINT outbox_owner_fk FOREIGN KEY (owner_id, tenant_id) REFERENCES users (id, tenant_id)
) STRICT;
CREATE INDEX outbox_owner_created_idx ON outbox (owner_id, created_at);
CREATE INDEX outbox_tenant_created_idx ON outbox (tenant_id, created_at);
CREATE INDEX outbox_created_idx ON outbox (created_at);
