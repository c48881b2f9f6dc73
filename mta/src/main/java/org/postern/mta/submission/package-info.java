/**
 * What submission does to a message a signed-in user hands in: reads its header section
 * ({@link org.postern.mta.submission.SubmittedHeader}) to learn its authors and what is missing,
 * and says which fields must not leave ({@link org.postern.mta.submission.SubmissionFixes}).
 *
 * <p>SECURITY: the header section comes from an authenticated but untrusted client. It is read
 * once, up to a bound, never interpreted beyond the fields named here; a section past the bound
 * or with a line that is not a header field is refused whole, so a field can never slip past the
 * filter that strips Bcc and the client's trace fields.
 */
package org.postern.mta.submission;
