-- Row-level security on every tenant-owned table (issue 6, "Tenant isolation"): a second line
-- behind the scope conditions every statement already carries. The application tells the
-- database, per transaction, which tenant it works for:
--     SELECT set_config('postern.tenant', '<tenant id>', true)   -- one tenant
--     SELECT set_config('postern.tenant', '*', true)             -- a server-wide scope
-- and each policy admits a row only when its tenant_id equals that setting, or the setting is '*'.
-- An unset or empty setting admits nothing: a statement whose transaction never said which tenant
-- it serves reads no rows and writes none (fail closed).
--
-- FORCE makes the policies bind the tables' owner too. Postern's runtime role must not own these
-- tables, be a superuser or have BYPASSRLS (it checks that at start-up); migrations run as a separate
-- role that owns the schema, and set '*' for their session, so a later migration that moves rows
-- sees them all.
--
-- audit_log: server-level entries have no tenant_id and are seen by a server-wide scope only.
-- signin_throttle is server-wide by design (its keys name addresses before anyone is known) and
-- holds no tenant's rows, so it has no policy.
-- A new table with a tenant_id column needs the same three statements; PostgresRowSecurityTest
-- fails until it has them.

ALTER TABLE tenants ENABLE ROW LEVEL SECURITY;
ALTER TABLE tenants FORCE ROW LEVEL SECURITY;
CREATE POLICY tenants_tenant_isolation ON tenants
    USING (current_setting('postern.tenant', true) = '*' OR id = current_setting('postern.tenant', true))
    WITH CHECK (current_setting('postern.tenant', true) = '*' OR id = current_setting('postern.tenant', true));

DO $$
DECLARE
    t TEXT;
BEGIN
    FOREACH t IN ARRAY ARRAY[
        'domains', 'users', 'addresses', 'data_keys', 'mailboxes', 'messages',
        'auth_sessions', 'refresh_tokens', 'credentials', 'totp_enrolments', 'recovery_codes', 'invites',
        'one_time_codes', 'signin_history', 'account_security', 'tenant_policies', 'audit_log', 'outbox',
        'dkim_keys', 'outbound_messages', 'outbound_recipients']
    LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY %I ON %I'
                || ' USING (current_setting(''postern.tenant'', true) = ''*'''
                || ' OR tenant_id = current_setting(''postern.tenant'', true))'
                || ' WITH CHECK (current_setting(''postern.tenant'', true) = ''*'''
                || ' OR tenant_id = current_setting(''postern.tenant'', true))',
                t || '_tenant_isolation', t);
    END LOOP;
END
$$;
