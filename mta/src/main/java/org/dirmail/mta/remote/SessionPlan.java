package org.dirmail.mta.remote;

import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import javax.net.ssl.SSLEngine;

/**
 * What one SMTP client session is to do: who to greet as, the envelope (addresses already
 * checked), the message, the TLS policy and engine, and the credentials if this is the relayhost.
 *
 * @param host        the server as {@code name[address]:port}, for replies and logs
 * @param heloName    our name for EHLO/HELO
 * @param sender      the envelope sender; empty for {@code <>}
 * @param recipients  distinct, checked recipients
 * @param message     the queued message (CRLF)
 * @param tlsPolicy   the policy for this destination
 * @param tlsEngine   a fresh client engine for the STARTTLS handshake
 * @param plaintext   true on the retry after a failed handshake under {@code may}: no STARTTLS
 * @param credentials AUTH credentials (relayhost only)
 * @param timeouts    per-step timeouts
 */
record SessionPlan(String host, String heloName, String sender, List<String> recipients, byte[] message,
                   RemoteTlsPolicy tlsPolicy, Supplier<SSLEngine> tlsEngine, boolean plaintext,
                   Optional<RelayCredentials> credentials, RemoteTimeouts timeouts) {
}
