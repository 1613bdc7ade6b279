package org.dirmail.mta.smtp;

import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A command line split into its verb and argument (RFC 5321 4.1.1). Only splitting happens here;
 * what an argument means is the session's business, which parses it with {@link MailPath} and
 * {@link MailArgument}.
 *
 * @param verb     the recognised verb, {@link Verb#HTTP} for an HTTP request line, or {@link Verb#UNKNOWN}
 * @param argument everything after the first space, possibly empty; untrusted
 */
record SmtpCommand(Verb verb, String argument) {

    /**
     * The commands we implement; HTTP for a line a browser or an HTTP proxy attack would send
     * (Postfix's smtpd_forbidden_commands); UNKNOWN for everything else (500 5.5.2).
     */
    enum Verb { EHLO, HELO, STARTTLS, AUTH, MAIL, RCPT, DATA, RSET, NOOP, QUIT, VRFY, HELP, HTTP, UNKNOWN }

    private static final Map<String, Verb> COMMANDS = Map.ofEntries(
            Map.entry("EHLO", Verb.EHLO), Map.entry("HELO", Verb.HELO),
            Map.entry("STARTTLS", Verb.STARTTLS), Map.entry("AUTH", Verb.AUTH),
            Map.entry("MAIL", Verb.MAIL), Map.entry("RCPT", Verb.RCPT), Map.entry("DATA", Verb.DATA),
            Map.entry("RSET", Verb.RSET), Map.entry("NOOP", Verb.NOOP), Map.entry("QUIT", Verb.QUIT),
            Map.entry("VRFY", Verb.VRFY), Map.entry("HELP", Verb.HELP));
    /** RFC 9110 9 methods; no SMTP verb shares a name with one. */
    private static final Set<String> HTTP_METHODS =
            Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH");

    /** Splits {@code line} (no CRLF). Verbs are case-insensitive (RFC 5321 2.4). */
    static SmtpCommand parse(String line) {
        int space = line.indexOf(' ');
        String word = space < 0 ? line : line.substring(0, space);
        String argument = space < 0 ? "" : line.substring(space + 1);
        return new SmtpCommand(verbOf(word), argument);
    }

    private static Verb verbOf(String word) {
        String upper = word.toUpperCase(Locale.ROOT);
        Verb verb = COMMANDS.get(upper);
        if (verb != null) {
            return verb;
        }
        // A request line ("GET / HTTP/1.1") or a header field ("Host: x"): no SMTP verb ends in ':'.
        return HTTP_METHODS.contains(upper) || (word.length() > 1 && word.endsWith(":")) ? Verb.HTTP : Verb.UNKNOWN;
    }

    /**
     * For MAIL and RCPT: the text after {@code keyword} (such as {@code "FROM:"}), case-insensitive,
     * with optional spaces after the colon tolerated; {@code null} when the keyword is missing.
     */
    String afterKeyword(String keyword) {
        if (!argument.regionMatches(true, 0, keyword, 0, keyword.length())) {
            return null;
        }
        String rest = argument.substring(keyword.length());
        int start = 0;
        while (start < rest.length() && rest.charAt(start) == ' ') {
            start++;
        }
        return rest.substring(start);
    }
}
