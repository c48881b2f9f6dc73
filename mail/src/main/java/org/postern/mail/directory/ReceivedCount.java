package org.postern.mail.directory;

import java.time.Instant;

/** How many live messages an address received, and when the latest arrived. */
public record ReceivedCount(long received, Instant lastReceived) {}
