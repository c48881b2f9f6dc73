-- IMAP DELETE: a deleted mailbox keeps its row (soft-deleted messages still refer to it until
-- purge) under a name no client can send, and is hidden from every lookup.
ALTER TABLE mailboxes ADD COLUMN deleted_at BIGINT;
