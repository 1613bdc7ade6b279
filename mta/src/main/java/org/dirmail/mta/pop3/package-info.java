/**
 * POP3 (RFC 1939) with CAPA (RFC 2449), STLS (RFC 2595), AUTH PLAIN (RFC 5034) and POP3S, on
 * Maildirs found through the directory. Security-sensitive: it parses hostile bytes and receives
 * passwords (passed to the {@code Authenticator}, never logged), and it deletes mail.
 *
 * <p>One connection: {@link org.dirmail.mta.pop3.Pop3LineDecoder} frames lines (CRLF only,
 * bounded), {@link org.dirmail.mta.pop3.Pop3Session} is the state machine,
 * {@link org.dirmail.mta.pop3.Pop3Login} turns a password into a locked maildrop, and
 * {@link org.dirmail.mta.pop3.MailboxWorker} runs every disk operation of the session in order on
 * a small pool, never on the event loop.
 *
 * <p>A user whose {@code mailHost} is another node (qmail-ldap.md §6) is checked here, then
 * {@link org.dirmail.mta.pop3.Pop3ProxyConnector} replays the same login on that node
 * ({@link org.dirmail.mta.pop3.Pop3ProxyLogin}, marked with {@code XHOP} so it never travels a
 * second hop) and {@link org.dirmail.mta.pop3.Pop3Relay} copies the session both ways unchanged.
 *
 * <p>The maildrop, as files on disk ({@link org.dirmail.mta.pop3.Pop3Mailbox}):
 * <ul>
 *   <li>{@code new/NAME} and {@code cur/NAME:2,FLAGS} are messages; the UIDL is {@code NAME}, so it
 *       survives the move to {@code cur/} and any flag change.</li>
 *   <li>RETR renames {@code new/NAME} to {@code cur/NAME:2,S}, or adds {@code S} to the flags.</li>
 *   <li>DELE changes nothing on disk. Only QUIT in TRANSACTION state unlinks the marked files,
 *       fsyncs their directories, then appends {@code -bytes -count} to {@code maildirsize} when
 *       that file exists. A dropped connection, a timeout or a shutdown deletes nothing.</li>
 *   <li>{@code dirmail-pop3.lock} carries an advisory lock while a session holds the maildrop;
 *       a second session gets {@code -ERR [IN-USE]}.</li>
 * </ul>
 */
package org.dirmail.mta.pop3;
