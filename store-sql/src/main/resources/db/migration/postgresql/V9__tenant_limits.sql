-- A tenant's overrides of the server's submission limits (issue 7). NULL means the server's
-- default, so a tenant follows the configuration until an admin sets a value. The bounds are the
-- same as the configuration keys'; the application checks them too, with a message naming the field.
CREATE TABLE tenant_limits (
    tenant_id          TEXT    NOT NULL PRIMARY KEY,
    max_message_bytes  BIGINT  CHECK (max_message_bytes BETWEEN 1024 AND 1073741824),
    max_recipients     BIGINT  CHECK (max_recipients BETWEEN 1 AND 10000),
    messages_per_hour  BIGINT  CHECK (messages_per_hour BETWEEN 1 AND 1000000),
    CONSTRAINT tenant_limits_tenant_fk FOREIGN KEY (tenant_id) REFERENCES tenants (id)
);

-- Row-level security as on every tenant-owned table (V8): the second line behind ScopeFilter.
ALTER TABLE tenant_limits ENABLE ROW LEVEL SECURITY;
ALTER TABLE tenant_limits FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_limits_tenant_isolation ON tenant_limits
    USING (current_setting('postern.tenant', true) = '*' OR tenant_id = current_setting('postern.tenant', true))
    WITH CHECK (current_setting('postern.tenant', true) = '*' OR tenant_id = current_setting('postern.tenant', true));
