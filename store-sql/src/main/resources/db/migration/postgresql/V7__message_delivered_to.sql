-- Which of the owner's addresses a message was delivered to (issue 6: "which address did this
-- message arrive on", and received counts per address). NULL for copies nobody addressed to one
-- of the owner's addresses: Sent copies, IMAP APPEND, postmaster mail routed to an administrator.
-- No foreign key: address rows are never deleted (a revoked address keeps its row), and purge
-- and erasure should not have to order their deletes around this column.
ALTER TABLE messages ADD COLUMN delivered_to TEXT;
-- Received counts per address, counted in SQL per owner.
CREATE INDEX messages_delivered_to_idx ON messages (owner_id, delivered_to) WHERE delivered_to IS NOT NULL;
-- Envelope listing and search page by (internal_date, id) within a mailbox.
CREATE INDEX messages_mailbox_date_idx ON messages (mailbox_id, internal_date, id);
