/**
 * What submission does to a message a signed-in user hands in, whichever front end it came
 * through: {@link org.postern.mta.submission.Submitter} is the one path (sender and From:
 * ownership, the hourly budget shared by SMTP and the API, limits, fixes, DKIM, delivery through
 * Intake); it reads the header section ({@link org.postern.mta.submission.SubmittedHeader}) to
 * learn its authors and what is missing, and says which fields must not leave
 * ({@link org.postern.mta.submission.SubmissionFixes}). The API's JSON becomes MIME in
 * {@link org.postern.mta.submission.ComposedMessage}.
 *
 * <p>SECURITY: the header section comes from an authenticated but untrusted client. It is read
 * once, up to a bound, never interpreted beyond the fields named here; a section past the bound
 * or with a line that is not a header field is refused whole, so a field can never slip past the
 * filter that strips Bcc and the client's trace fields. The API's strings are untrusted too:
 * ComposedMessage refuses line breaks and control characters in anything that becomes a header,
 * and its output is checked by the same Submitter as an SMTP client's message.
 */
package org.postern.mta.submission;
