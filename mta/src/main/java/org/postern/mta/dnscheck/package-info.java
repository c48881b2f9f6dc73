/**
 * Whether a hosted domain's records ({@link org.postern.mta.dns.DomainRecords}) are published:
 * looks each one up through the server's resolver, within one session's time and query budget,
 * and compares. Answers from DNS are untrusted text; they are only compared and echoed, bounded.
 */
package org.postern.mta.dnscheck;
