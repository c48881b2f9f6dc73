-- DKIM signing keys per hosted domain (issue 7). The private key is stored only sealed under the
-- master key ring, bound to tenant, domain and selector. Removing a domain removes its keys.
CREATE TABLE dkim_keys (
    domain_id           TEXT    NOT NULL,
    tenant_id           TEXT    NOT NULL,
    selector            TEXT    NOT NULL,
    algorithm           TEXT    NOT NULL CHECK (algorithm IN ('ED25519', 'RSA_SHA256')),
    public_key          BYTEA   NOT NULL,
    sealed_private_key  BYTEA   NOT NULL,
    created_at          BIGINT  NOT NULL,
    state               TEXT    NOT NULL CHECK (state IN ('ACTIVE', 'RETIRED')),
    CONSTRAINT dkim_keys_pkey PRIMARY KEY (domain_id, selector),
    CONSTRAINT dkim_keys_domain_fk FOREIGN KEY (domain_id) REFERENCES domains (id) ON DELETE CASCADE
);
CREATE INDEX dkim_keys_tenant_idx ON dkim_keys (tenant_id);
