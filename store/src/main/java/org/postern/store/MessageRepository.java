package org.postern.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.postern.access.Scope;
import org.postern.model.AddressId;
import org.postern.model.MailboxId;
import org.postern.model.MessageId;
import org.postern.model.UserId;

/** Message index rows. UIDs and MODSEQs are allocated atomically from the mailbox row. */
public interface MessageRepository {
    /**
     * Adds a message to a mailbox in scope, taking the mailbox's UIDNEXT as its UID and a new
     * MODSEQ; both counters advance in the same transaction.
     * @throws org.postern.model.NotFoundException if the mailbox is not in scope
     */
    StoredMessage append(Scope scope, MailboxId mailbox, NewMessage message);

    Optional<StoredMessage> byId(Scope scope, MessageId id);

    /** Live (not soft-deleted) messages of a mailbox, by UID ascending. */
    List<StoredMessage> list(Scope scope, MailboxId mailbox);

    /**
     * Messages of a mailbox, live or soft-deleted (expunged, not yet purged), whose MODSEQ is
     * above {@code modSeq}, by UID ascending: what changed since a client last looked.
     */
    List<StoredMessage> changedSince(Scope scope, MailboxId mailbox, long modSeq);

    /** Live messages as {@code page} asks (keyset order by internal date and id); empty when nothing is in scope. */
    List<StoredMessage> page(Scope scope, MessagePage page);

    /**
     * Per mailbox of an owner: how many live messages it holds and how many of them lack
     * {@code \Seen}. Mailboxes without live messages are absent.
     */
    List<MailboxCount> countByMailbox(Scope scope, UserId owner);

    /** A mailbox's live messages, and how many of them are not {@code \Seen}. */
    record MailboxCount(MailboxId mailbox, long total, long unseen) {}

    /**
     * Per address of an owner: how many live messages were delivered to it and when the latest
     * arrived. Addresses that received nothing (or whose messages were all deleted) are absent.
     */
    List<AddressCount> countByAddress(Scope scope, UserId owner);

    /** Live messages delivered to an address and the internal date of the latest. */
    record AddressCount(AddressId address, long received, Instant lastReceived) {}

    /** Every message of an owner, deleted or not: for verification, export and erasure. */
    List<StoredMessage> listByOwner(Scope scope, UserId owner);

    /** Replaces the flags and gives the message a new MODSEQ. @return the new row, empty when not in scope */
    Optional<StoredMessage> setFlags(Scope scope, MessageId id, Set<String> flags);

    /**
     * Compare and set: replaces the flags only if the message's MODSEQ is still
     * {@code expectedModSeq}, giving it a new MODSEQ. Flags changed from a value read earlier are
     * never written over a change made meanwhile (the lost update of two concurrent read-modify-writes).
     * @return the new row; empty when the message is not in scope, deleted, or changed since
     */
    Optional<StoredMessage> setFlagsIfModSeq(Scope scope, MessageId id, Set<String> flags, long expectedModSeq);

    /** Soft delete: the row and blob stay until {@link #purge}. */
    boolean markDeleted(Scope scope, MessageId id, Instant at);

    /**
     * The UID and the MODSEQ of the expunge of every soft-deleted message still kept in a mailbox,
     * by UID ascending: what IMAP QRESYNC needs to tell a client which of its UIDs vanished since
     * a MODSEQ. Purged messages are forgotten. Empty when the mailbox is not in scope.
     */
    List<Expunged> expunged(Scope scope, MailboxId mailbox);

    /** The total size in bytes of an owner's live (not soft-deleted) messages in all mailboxes: their storage use. */
    long liveBytes(Scope scope, UserId owner);

    /** A soft-deleted message's UID and the MODSEQ its deletion took. */
    record Expunged(long uid, long modSeq) {}

    /** Soft-deleted messages whose deletion is older than {@code before}. */
    List<StoredMessage> deletedBefore(Scope scope, Instant before);

    /** Removes the row for good (the caller deletes the blob after this commits). */
    boolean purge(Scope scope, MessageId id);
}
