package org.dirmail.mta.pop3;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * One POP3 reply: a status line ({@code +OK}, {@code -ERR}, or the SASL continuation {@code +}),
 * optionally followed by a multi-line body ended by {@code .} (RFC 1939 3). Response codes
 * (RFC 2449 8, RFC 3206) are part of the text. Lines are ours, never client text verbatim.
 *
 * @param status "+OK", "-ERR" or "+"
 * @param text   the rest of the status line, may be empty
 * @param lines  the body lines of a multi-line reply, or {@code null} for a single line
 */
record Pop3Reply(String status, String text, List<String> lines) {

    static final Pop3Reply GREETING = ok("dirmail POP3 ready");
    static final Pop3Reply BYE = ok("dirmail POP3 server signing off"); // RFC 1939 6
    static final Pop3Reply OK = ok("");

    // Framing and syntax (RFC 1939 3, RFC 2449 4), counted as bad commands.
    static final Pop3Reply LINE_TOO_LONG = err("Line too long");
    static final Pop3Reply BARE_LINE_END = err("Line must end with CRLF");
    static final Pop3Reply UNKNOWN_COMMAND = err("Unknown command");
    static final Pop3Reply WRONG_STATE = err("Command not valid in this state");
    static final Pop3Reply SYNTAX = err("Invalid arguments");
    static final Pop3Reply NO_SUCH_MESSAGE = err("No such message");
    static final Pop3Reply NEED_USER = err("USER first");
    static final Pop3Reply TOO_MANY_BAD_COMMANDS = err("Too many bad commands; closing");

    // Authentication (RFC 1939 7, RFC 2595 4, RFC 5034 4, RFC 3206 4).
    static final Pop3Reply USER_OK = ok("Send PASS");
    static final Pop3Reply PLAINTEXT_DISALLOWED =
            err("[AUTH] Plaintext authentication disallowed on non-secure connections");
    static final Pop3Reply AUTH_FAILED = err("[AUTH] Authentication failed");
    static final Pop3Reply TOO_MANY_FAILURES = err("[AUTH] Too many authentication failures; try again later");
    static final Pop3Reply AUTH_TEMPFAIL = err("[SYS/TEMP] Authentication service unavailable; try again later");
    static final Pop3Reply AUTH_CANCELLED = err("Authentication cancelled"); // RFC 5034 4: "*"
    static final Pop3Reply BAD_BASE64 = err("Invalid base64 data");
    static final Pop3Reply UNKNOWN_MECHANISM = err("Unsupported authentication mechanism");
    static final Pop3Reply AUTH_MECHANISMS = multi(ok(""), List.of("PLAIN"));
    static final Pop3Reply SASL_CONTINUE = new Pop3Reply("+", "", null);

    // STLS (RFC 2595 4).
    static final Pop3Reply BEGIN_TLS = ok("Begin TLS negotiation now");
    static final Pop3Reply TLS_ACTIVE = err("TLS already active");
    static final Pop3Reply TLS_PIPELINED = err("Unexpected data after STLS; closing");

    // The maildrop (RFC 1939 5, 6; RFC 2449 8.1.1 IN-USE; RFC 3206 SYS/*).
    static final Pop3Reply IN_USE = err("[IN-USE] Mailbox is locked by another POP3 session");
    static final Pop3Reply MAILBOX_UNAVAILABLE = err("[SYS/TEMP] Unable to open the mailbox; try again later");
    static final Pop3Reply MAILBOX_REFUSED = err("[SYS/PERM] Mailbox path refused");
    static final Pop3Reply NO_MAILBOX = err("[SYS/PERM] No POP3 mailbox for this account");
    static final Pop3Reply MESSAGE_UNAVAILABLE = err("[SYS/TEMP] Message unavailable");
    static final Pop3Reply MESSAGE_DELETED = err("Message is deleted");
    static final Pop3Reply MARKED = ok("Marked to be deleted");
    static final Pop3Reply COMMIT_FAILED = err("[SYS/TEMP] Some deleted messages were not removed");

    // The cluster proxy (qmail-ldap.md §6); all temporary, as a directory inconsistency is.
    static final Pop3Reply HOP_NOTED = ok("Proxied login noted");

    static final Pop3Reply TIMEOUT = err("Disconnected for inactivity"); // RFC 1939 3: no UPDATE
    static final Pop3Reply SHUTTING_DOWN = err("[SYS/TEMP] Server shutting down");

    static Pop3Reply ok(String text) {
        return new Pop3Reply("+OK", text, null);
    }

    static Pop3Reply err(String text) {
        return new Pop3Reply("-ERR", text, null);
    }

    /** {@code first}'s status line followed by {@code lines} and the terminating {@code .}. */
    static Pop3Reply multi(Pop3Reply first, List<String> lines) {
        return new Pop3Reply(first.status, first.text, List.copyOf(lines));
    }

    /** RFC 3206 4: the user must go to another node, as this one does not proxy (pop3_proxy = no). */
    static Pop3Reply otherHost(String host) {
        return err("[SYS/TEMP] Mailbox is on another server (" + printable(host) + "); connect there");
    }

    static Pop3Reply proxyUnreachable(String host) {
        return err("[SYS/TEMP] Mailbox server " + printable(host) + " is unreachable; try again later");
    }

    static Pop3Reply proxyRefused(String host) {
        return err("[SYS/TEMP] Mailbox server " + printable(host) + " refused the login; try again later");
    }

    /** This login was proxied here, yet the directory names another node again: no second hop. */
    static Pop3Reply proxyLoop(String host) {
        return err("[SYS/TEMP] Mailbox is on " + printable(host) + ", which sent this login here (cluster loop); "
                + "try again later");
    }

    /** The wire form, CRLF line ends, body lines byte-stuffed. */
    ByteBuf encode(ByteBufAllocator alloc) {
        StringBuilder s = new StringBuilder(status);
        if (!text.isEmpty() || status.equals("+")) {
            s.append(' ').append(text); // RFC 5034 4: the continuation is "+ " even when empty
        }
        s.append("\r\n");
        if (lines != null) {
            for (String line : lines) {
                s.append(line.startsWith(".") ? "." : "").append(line).append("\r\n");
            }
            s.append(".\r\n");
        }
        byte[] bytes = s.toString().getBytes(StandardCharsets.UTF_8);
        return alloc.buffer(bytes.length).writeBytes(bytes);
    }

    /** Directory values in a reply: printable ASCII only, bounded. */
    static String printable(String value) {
        StringBuilder s = new StringBuilder();
        value.codePoints().limit(255).forEach(c -> s.append(c >= 0x20 && c < 0x7f ? (char) c : '?'));
        return s.toString();
    }
}
