/**
 * The SMTP server (RFC 5321 with PIPELINING, SIZE, 8BITMIME and ENHANCEDSTATUSCODES) on Netty.
 *
 * <p><b>Security.</b> This package parses hostile bytes from the network and holds no
 * credentials. It asks the directory typed questions ({@code RecipientResolver}) and hands the
 * queue an envelope and a byte stream; nothing the client sends reaches either unchecked.
 *
 * <p><b>Pipeline.</b> {@link org.dirmail.mta.smtp.SmtpServerInitializer} builds, per connection:
 * an idle timeout, {@code SmtpLineDecoder} (only CRLF ends a line; bare CR/LF and overlong lines
 * are flagged, never split or truncated) and {@code SmtpServerHandler}, which drives one
 * {@code SmtpSession} state machine: GREETED, READY, MAIL, RCPT, DATA, CLOSED.
 *
 * <p><b>Threads.</b> Everything of one connection runs on its event loop. Directory lookups and
 * queue writes complete on their own threads; while one is pending, auto-read is off and
 * already-decoded lines wait, and the answer hops back with {@code ctx.executor()}, so replies to
 * pipelined commands stay in order and no event loop blocks.
 *
 * <p><b>Replies.</b> {@link org.dirmail.mta.smtp.SmtpReply} values with RFC 3463 enhanced codes,
 * except where RFC 2034 3 forbids them (greeting, EHLO/HELO) and on 354, which has no enhanced
 * class. "250 queued" is sent only after the queue says the message is durable.
 */
package org.dirmail.mta.smtp;
