/**
 * The SMTP server (RFC 5321 with PIPELINING, SIZE, 8BITMIME, ENHANCEDSTATUSCODES, RFC 3207
 * STARTTLS and RFC 4954 AUTH PLAIN/LOGIN) on Netty, in three roles: MX, submission (RFC 6409:
 * STARTTLS, then AUTH, then MAIL) and SMTPS (RFC 8314 implicit TLS, then AUTH).
 *
 * <p><b>Security.</b> This package parses hostile bytes from the network and holds no
 * credentials: passwords pass through to the {@code Authenticator} and are never logged or kept.
 * It asks the directory typed questions ({@code RecipientResolver}, {@code Authenticator}) and
 * hands the queue an envelope and a byte stream; nothing the client sends reaches either unchecked.
 * {@code RelayPolicy} keeps it from being an open relay: only local domains without AUTH or a
 * relay network, whatever the address trick.
 *
 * <p><b>Pipeline.</b> {@link org.dirmail.mta.smtp.SmtpServerInitializer} builds, per connection:
 * TLS first on SMTPS, an idle timeout (swapped for the DATA timeout inside DATA),
 * {@code SmtpLineDecoder} (only CRLF ends a line; bare CR/LF and overlong lines are flagged, never
 * split or truncated) and {@code SmtpServerHandler}, which enforces the connection limits and the
 * pregreet test and drives one {@code SmtpSession} state machine: GREETED, READY, AUTH, MAIL,
 * RCPT, DATA, CLOSED. STARTTLS puts an {@code SslHandler} at the head only when the client sent
 * nothing after the command (else 554 and close: CVE-2011-0411), and the session starts over
 * after the handshake.
 *
 * <p><b>Threads.</b> Everything of one connection runs on its event loop. Directory lookups, login
 * checks and queue writes complete on their own threads, and the delay before a failed login is a
 * timer on the event loop; while one is pending, auto-read is off and already-decoded lines wait,
 * and the answer hops back with {@code ctx.executor()}, so replies to pipelined commands stay in
 * order and no event loop blocks.
 *
 * <p><b>Replies.</b> {@link org.dirmail.mta.smtp.SmtpReply} values with RFC 3463 enhanced codes,
 * except where RFC 2034 3 forbids them (greeting, EHLO/HELO), on 354 and on 334 challenges.
 * "250 queued" is sent only after the queue says the message is durable.
 */
package org.dirmail.mta.smtp;
