package org.dirmail.mta.smtp;

import java.util.Locale;

/**
 * A command line split into its verb and argument (RFC 5321 4.1.1). Only splitting happens here;
 * what an argument means is the session's business, which parses it with {@link MailPath} and
 * {@link MailArgument}.
 *
 * @param verb     the recognised verb, or {@link Verb#UNKNOWN}
 * @param argument everything after the first space, possibly empty; untrusted
 */
record SmtpCommand(Verb verb, String argument) {

    /** The commands we implement, plus UNKNOWN for everything else (500 5.5.2). */
    enum Verb { EHLO, HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT, VRFY, HELP, UNKNOWN }

    /** Splits {@code line} (no CRLF). Verbs are case-insensitive (RFC 5321 2.4). */
    static SmtpCommand parse(String line) {
        int space = line.indexOf(' ');
        String word = space < 0 ? line : line.substring(0, space);
        String argument = space < 0 ? "" : line.substring(space + 1);
        return new SmtpCommand(verbOf(word), argument);
    }

    private static Verb verbOf(String word) {
        if (word.length() != 4) {
            return Verb.UNKNOWN;
        }
        try {
            return Verb.valueOf(word.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return Verb.UNKNOWN;
        }
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
