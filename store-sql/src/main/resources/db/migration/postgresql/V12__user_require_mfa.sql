-- A per-user "MFA required" switch an admin sets (issues 6 and 8: users ... require MFA), beside
-- the tenant-wide policy in tenant_policies. The rule at sign-in: an admin, a tenant that requires
-- it, or this flag. A column on users, so it sits under users' existing row-level security policy.
ALTER TABLE users ADD COLUMN require_mfa BOOLEAN NOT NULL DEFAULT FALSE;
