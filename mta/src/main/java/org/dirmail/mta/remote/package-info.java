/**
 * The SMTP client that hands mail to other servers (qmail-remote): {@link
 * org.dirmail.mta.remote.SmtpClientTransport} takes a {@link org.dirmail.mta.remote.RemoteTransaction}
 * (one message, all its recipients in one domain) and answers a {@link
 * org.dirmail.mta.remote.RemoteResult} with a {@link org.dirmail.mta.remote.RecipientStatus} per
 * recipient: Delivered, Deferred (retry) or Failed (bounce).
 *
 * <p><b>Routing.</b> {@link org.dirmail.mta.remote.RouteTable}: a static route for the domain, else
 * the relayhost, else the domain's MX ({@code org.dirmail.mta.dns}). Addresses are tried in order;
 * a refused connection, a 4xx/5xx greeting or TLS the policy demands but cannot get moves on to
 * the next. Once MAIL is sent, that server's replies decide: 250 delivered, 4xx deferred, 5xx
 * failed; a reply to MAIL or to the data applies to every recipient. Timeouts, lost connections
 * and DNS trouble defer; they never bounce.
 *
 * <p><b>Security.</b> Remote servers are hostile: replies are framed strictly and bounded
 * ({@code ReplyDecoder}), their text is sanitised before it reaches a log or a bounce, bytes sent
 * along with the 220 to STARTTLS end the session, and the capabilities are forgotten after TLS.
 * Envelope addresses are checked again before they reach a command line, and the data never holds
 * a bare CR or LF and is dot-stuffed ({@code DataEncoder}). Relayhost credentials are read from a
 * file only its owner can read and are sent only under TLS, never logged.
 *
 * <p><b>Threads.</b> One connection runs on one Netty event loop; DNS completes on dnsjava's
 * threads. Nothing blocks; results may complete on an I/O thread.
 */
package org.dirmail.mta.remote;
