/**
 * Random secrets handed to people and programs (refresh, invite and API tokens, app passwords,
 * recovery and email codes) and their storage hashes.
 *
 * <p>SECURITY: exposed to whatever a client presents as a token or code: any length, any
 * characters. Parsing ({@code apiTokenId}) accepts one exact shape and one spelling, and never
 * throws on junk; comparisons are constant time. Reaches only the platform CSPRNG. Secrets are
 * returned once to the caller and stored only as hashes; nothing here logs.
 */
package org.postern.auth.secret;
