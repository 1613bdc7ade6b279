package org.dirmail.mta.smtp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One SMTP reply as a value: a code, an RFC 3463 enhanced status code and one or more lines of
 * text. Constants cite the clause that demands them; the text is ours, never the client's raw bytes.
 *
 * @param code     the three-digit reply code (RFC 5321 4.2)
 * @param enhanced the enhanced status code ({@code "5.1.1"}), or empty where RFC 2034 3 forbids one
 *                 (the greeting, EHLO/HELO replies) and for 354, which has no RFC 3463 class
 * @param lines    the text lines; more than one makes a multi-line reply (RFC 5321 4.2.1)
 */
public record SmtpReply(int code, String enhanced, List<String> lines) {

    // Sequence (RFC 5321 4.1.4, 3.3)
    static final SmtpReply NEED_HELO = of(503, "5.5.1", "Error: send HELO/EHLO first");
    static final SmtpReply NEED_MAIL = of(503, "5.5.1", "Error: need MAIL command");
    static final SmtpReply NESTED_MAIL = of(503, "5.5.1", "Error: nested MAIL command");
    static final SmtpReply NEED_RCPT = of(503, "5.5.1", "Error: need RCPT command");
    /** RFC 5321 3.3: DATA with no accepted recipient. */
    static final SmtpReply NO_VALID_RECIPIENTS = of(554, "5.5.1", "Error: no valid recipients");

    // Syntax and framing (RFC 5321 4.2.2, 4.5.3.1.4, 2.3.8)
    static final SmtpReply UNKNOWN_COMMAND = of(500, "5.5.2", "Error: command not recognized");
    static final SmtpReply BARE_LINE_END = of(500, "5.5.2", "Error: bare <CR> or <LF> received");
    static final SmtpReply LINE_TOO_LONG = of(500, "5.5.6", "Line too long");
    static final SmtpReply SYNTAX_HELO = of(501, "5.5.4", "Syntax: EHLO hostname");
    static final SmtpReply SYNTAX_MAIL = of(501, "5.5.4", "Syntax: MAIL FROM:<address>");
    static final SmtpReply SYNTAX_RCPT = of(501, "5.5.4", "Syntax: RCPT TO:<address>");
    static final SmtpReply SYNTAX_VRFY = of(501, "5.5.4", "Syntax: VRFY address");
    static final SmtpReply NO_ARGUMENTS = of(501, "5.5.4", "Syntax: no arguments allowed");
    static final SmtpReply BAD_PARAMETER_VALUE = of(501, "5.5.4", "Bad parameter value");
    /** RFC 5321 4.1.1.11: an unrecognised MAIL/RCPT parameter. */
    static final SmtpReply UNKNOWN_PARAMETER = of(555, "5.5.4", "Unsupported parameter");

    // Transaction (RFC 5321 4.2.2, 4.3.2)
    static final SmtpReply OK = of(250, "2.0.0", "Ok");
    static final SmtpReply SENDER_OK = of(250, "2.1.0", "Ok");
    static final SmtpReply RECIPIENT_OK = of(250, "2.1.5", "Ok");
    /** RFC 5321 3.5.3: we do not disclose who exists. */
    static final SmtpReply CANNOT_VRFY = of(252, "2.5.2", "Cannot VRFY user, but will accept message");
    static final SmtpReply START_DATA = of(354, "", "End data with <CR><LF>.<CR><LF>");
    static final SmtpReply BYE = of(221, "2.0.0", "Bye");
    static final SmtpReply HELP = new SmtpReply(214, "2.0.0", List.of(
            "Commands: EHLO HELO STARTTLS AUTH MAIL RCPT DATA RSET NOOP QUIT VRFY HELP",
            "See RFC 5321"));
    /** RFC 5321 4.2.4: a command we know but do not offer on this connection. */
    static final SmtpReply NOT_IMPLEMENTED = of(502, "5.5.1", "Error: command not implemented");
    /** RFC 3207 4, RFC 4954 4: STARTTLS and AUTH are refused inside a transaction. */
    static final SmtpReply IN_TRANSACTION = of(503, "5.5.1", "Error: MAIL transaction in progress");

    // STARTTLS (RFC 3207 4)
    static final SmtpReply READY_FOR_TLS = of(220, "2.0.0", "Ready to start TLS");
    static final SmtpReply TLS_ALREADY_ACTIVE = of(503, "5.5.1", "Error: TLS already active");
    static final SmtpReply TLS_UNAVAILABLE = of(454, "4.7.0", "TLS not available due to temporary reason");
    /** RFC 3207 4: the command needs TLS first. */
    static final SmtpReply NEED_TLS = of(530, "5.7.0", "Must issue a STARTTLS command first");
    /** RFC 3207 4.2, CVE-2011-0411: nothing sent in clear may be taken as sent under TLS. */
    static final SmtpReply DATA_AFTER_STARTTLS =
            of(554, "5.5.0", "Protocol error: data sent after STARTTLS");

    // AUTH (RFC 4954 4, 6)
    static final SmtpReply AUTH_OK = of(235, "2.7.0", "Authentication successful");
    static final SmtpReply AUTH_FAILED = of(535, "5.7.8", "Authentication credentials invalid");
    static final SmtpReply AUTH_TEMPFAIL = of(454, "4.7.0", "Temporary authentication failure");
    static final SmtpReply AUTH_CANCELLED = of(501, "5.0.0", "Authentication cancelled");
    static final SmtpReply AUTH_BAD_BASE64 = of(501, "5.5.2", "Cannot decode response");
    static final SmtpReply AUTH_UNKNOWN_MECHANISM = of(504, "5.5.4", "Unrecognized authentication type");
    static final SmtpReply SYNTAX_AUTH = of(501, "5.5.4", "Syntax: AUTH mechanism [initial-response]");
    static final SmtpReply AUTH_REQUIRED = of(530, "5.7.0", "Authentication required");
    static final SmtpReply ALREADY_AUTHENTICATED = of(503, "5.5.1", "Error: already authenticated");
    /** Not offered here: plaintext on a listener that needs TLS for it (Postfix's wording). */
    static final SmtpReply AUTH_NOT_ENABLED = of(503, "5.5.1", "Error: authentication not enabled");
    static final SmtpReply TOO_MANY_AUTH_FAILURES = of(421, "4.7.0", "Too many failed authentications");

    // Policy (RFC 3463 3.2, 3.3, 3.5, 3.8)
    static final SmtpReply USER_UNKNOWN = of(550, "5.1.1", "Recipient address rejected: User unknown");
    static final SmtpReply MAILBOX_DISABLED =
            of(550, "5.2.1", "Recipient address rejected: Mailbox disabled");
    /** Only TempFail maps here: a directory outage must never turn into a 5xx (DESIGN.md). */
    static final SmtpReply DIRECTORY_TEMPFAIL =
            of(451, "4.4.3", "Recipient address rejected: Directory temporarily unavailable");
    static final SmtpReply RELAY_DENIED = of(554, "5.7.1", "Relay access denied");
    /** A members-only group (qmail-ldap membersonly) and a sender who is none of them (X.7.1). */
    static final SmtpReply MEMBERS_ONLY = of(550, "5.7.1", "only members may post");
    /** A group that wants moderation or sender confirmation: refused, never posted unmoderated (X.7.1). */
    static final SmtpReply GROUP_NEEDS_SECRETARY =
            of(550, "5.7.1", "list needs moderation or sender confirmation, not supported here");
    /** RFC 3463 3.3 X.2.2; 452 (RFC 5321 4.2.2): the sender retries, we never bounce later. */
    static final SmtpReply MAILBOX_FULL = of(452, "4.2.2", "Mailbox full");
    /** RFC 1870 6.1 with RFC 3463 X.3.4: SIZE= is larger than this recipient's mailSizeMax. */
    static final SmtpReply RECIPIENT_SIZE_EXCEEDED = of(552, "5.3.4", "Message size exceeds recipient's limit");
    /** RFC 5321 4.5.3.1.10. */
    static final SmtpReply TOO_MANY_RECIPIENTS = of(452, "4.5.3", "Error: too many recipients");
    static final SmtpReply BAD_SENDER = of(501, "5.1.7", "Bad sender address syntax");
    static final SmtpReply BAD_RECIPIENT = of(501, "5.1.3", "Bad recipient address syntax");
    /** RFC 5321 4.5.3.1.1 and 4.5.3.1.3. */
    static final SmtpReply PATH_TOO_LONG_SENDER = of(501, "5.1.7", "Path too long");
    static final SmtpReply PATH_TOO_LONG_RECIPIENT = of(501, "5.1.3", "Path too long");
    /** RFC 6531 3.7.4.1: non-ASCII needs SMTPUTF8, which we do not offer yet. */
    static final SmtpReply NON_ASCII_ADDRESS = of(553, "5.6.7", "Non-ASCII address requires SMTPUTF8");

    // Message content (RFC 1870 6, RFC 5321 4.5.3.1.6, 2.3.8, 6.3)
    static final SmtpReply SIZE_EXCEEDED = of(552, "5.3.4", "Message size exceeds fixed limit");
    /** Every recipient's mailSizeMax is below the message's size; one that fits is enough to accept. */
    static final SmtpReply SIZE_EXCEEDS_ALL_RECIPIENTS =
            of(552, "5.3.4", "Message size exceeds the limit of every recipient");
    static final SmtpReply BARE_LINE_END_IN_DATA = of(550, "5.6.0", "Message contains bare <CR> or <LF>");
    static final SmtpReply TEXT_LINE_TOO_LONG = of(500, "5.5.6", "Line too long");
    static final SmtpReply MAIL_LOOP = of(554, "5.4.6", "Too many hops: mail forwarding loop");
    /** DESIGN.md: a failed queue write is always a 4xx, never 250 and never 5xx. */
    static final SmtpReply QUEUE_FAILED = of(451, "4.3.0", "Error: queue file write error");

    // Closing (RFC 5321 3.8, 4.5.3.2.7)
    static final SmtpReply TOO_MANY_ERRORS = of(421, "4.7.0", "Error: too many errors");
    static final SmtpReply SHUTTING_DOWN = of(421, "4.3.2", "Service shutting down");
    static final SmtpReply TOO_MANY_CONNECTIONS = of(421, "4.7.0", "Too many connections");
    /** RFC 5321 4.3.1: the client must wait for the greeting (Postfix postscreen's pregreet test). */
    static final SmtpReply PREGREET = of(554, "5.5.0", "Protocol error: client sent data before greeting");
    /** An HTTP request sent to us, as a browser or a cross-protocol attack would (Postfix smtpd). */
    static final SmtpReply NOT_HTTP = of(554, "5.7.0", "This is an SMTP server");

    public SmtpReply {
        if (code < 200 || code > 599) {
            throw new IllegalArgumentException("reply code out of range: " + code);
        }
        Objects.requireNonNull(enhanced, "enhanced");
        lines = List.copyOf(lines);
        if (lines.isEmpty()) {
            throw new IllegalArgumentException("a reply needs at least one line");
        }
        for (String line : lines) {
            if (!line.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
                throw new IllegalArgumentException("reply text must be printable ASCII: " + line);
            }
        }
    }

    /** A single-line reply. */
    public static SmtpReply of(int code, String enhanced, String text) {
        return new SmtpReply(code, enhanced, List.of(text));
    }

    /** The same reply with {@code prefix + ": "} before the first line, Postfix style. */
    public SmtpReply prefixed(String prefix) {
        var copy = new ArrayList<>(lines);
        copy.set(0, prefix + ": " + copy.get(0));
        return new SmtpReply(code, enhanced, copy);
    }

    /** RFC 3463 5.7.1: an authenticated user may only send as itself (Postfix's reject_sender_login_mismatch). */
    static SmtpReply senderNotOwned(MailPath sender, String login) {
        return of(553, "5.7.1", sender + ": Sender address rejected: not owned by user " + printable(login));
    }

    /** Client text made fit for a reply or log line: printable ASCII only, at most 100 characters. */
    static String printable(String text) {
        var out = new StringBuilder(Math.min(text.length(), 100));
        for (int i = 0; i < text.length() && i < 100; i++) {
            char c = text.charAt(i);
            out.append(c > 0x20 && c < 0x7f ? c : '?');
        }
        return out.toString();
    }

    /** 2xx or 3xx. */
    public boolean isPositive() {
        return code < 400;
    }

    /** 5xx. */
    public boolean isPermanentError() {
        return code >= 500;
    }

    /** The reply as one log-friendly line: {@code "550 5.1.1 text"}, continuation lines joined. */
    public String summary() {
        return code + (enhanced.isEmpty() ? "" : " " + enhanced) + " " + String.join(" ", lines);
    }

    /** The reply on the wire: every line {@code code SP|- [enhanced SP] text CRLF}. */
    public String toWire() {
        var out = new StringBuilder();
        for (int i = 0; i < lines.size(); i++) {
            out.append(code).append(i == lines.size() - 1 ? ' ' : '-');
            if (!enhanced.isEmpty()) {
                out.append(enhanced).append(' ');
            }
            out.append(lines.get(i)).append("\r\n");
        }
        return out.toString();
    }

    /** Encodes the reply into a new buffer the caller owns. */
    public ByteBuf encode(ByteBufAllocator alloc) {
        String wire = toWire();
        ByteBuf buf = alloc.buffer(wire.length());
        buf.writeCharSequence(wire, StandardCharsets.US_ASCII);
        return buf;
    }
}
