/**
 * DNS for mail routing (RFC 5321 5.1, RFC 7505) with dnsjava's asynchronous resolver:
 * {@link org.dirmail.mta.dns.MxResolver} turns a domain into an ordered list of
 * {@link org.dirmail.mta.dns.MailTarget}s, or a permanent or temporary reason why not.
 *
 * <p><b>Security.</b> Every DNS answer is hostile: only records for the name and type asked are
 * used, CNAME chains and the number of hosts and addresses are bounded, and names are checked
 * before they are used. Only NXDOMAIN, a null MX or hosts without any address are permanent;
 * SERVFAIL, REFUSED and timeouts are temporary ({@code 4.4.3}), so a DNS outage defers mail and
 * never bounces it. No lookup blocks a thread.
 */
package org.dirmail.mta.dns;
