-- Addresses gain the state SUSPENDED (refused at RCPT TO, reinstatable; REVOKED stays final).
ALTER TABLE addresses DROP CONSTRAINT addresses_state_check;
ALTER TABLE addresses ADD CONSTRAINT addresses_state_check CHECK (state IN ('ACTIVE', 'SUSPENDED', 'REVOKED'));
