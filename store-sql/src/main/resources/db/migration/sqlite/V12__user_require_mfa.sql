-- A per-user "MFA required" switch an admin sets (issues 6 and 8: users ... require MFA), beside
-- the tenant-wide policy in tenant_policies. The rule at sign-in: an admin, a tenant that requires
-- it, or this flag.
ALTER TABLE users ADD COLUMN require_mfa INTEGER NOT NULL DEFAULT 0 CHECK (require_mfa IN (0, 1));
