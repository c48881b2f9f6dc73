/**
 * What a hosted domain publishes in DNS (MX, SPF, DKIM, DMARC, MTA-STS, TLS-RPT), computed from
 * the configuration and the domain's keys; nothing here reads untrusted input or performs lookups.
 */
package org.postern.mta.dns;
