package org.dirmail.mta.pop3;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;

/**
 * One command line split into a keyword and its argument text (RFC 1939 3: a case-insensitive
 * keyword, then arguments separated by single spaces). Parses; trusts nothing.
 *
 * @param verb     the keyword, {@link Verb#UNKNOWN} for anything we do not implement
 * @param argument everything after the first space, verbatim (a password may contain spaces)
 */
record Pop3Command(Verb verb, String argument) {

    enum Verb {
        USER, PASS, AUTH, STLS, CAPA, QUIT, STAT, LIST, RETR, DELE, NOOP, RSET, TOP, UIDL,
        /** dirmail's proxy marks a login it replays (see {@link Pop3ProxyLogin}). */
        XHOP,
        UNKNOWN
    }

    static Pop3Command parse(String line) {
        int space = line.indexOf(' ');
        String keyword = space < 0 ? line : line.substring(0, space);
        String argument = space < 0 ? "" : line.substring(space + 1);
        Verb verb = Verb.UNKNOWN;
        if (keyword.length() <= 4) { // every keyword is 3 or 4 characters; "UNKNOWN" is not one
            try {
                verb = Verb.valueOf(keyword.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                verb = Verb.UNKNOWN;
            }
        }
        return new Pop3Command(verb, argument);
    }

    /** The arguments split on single spaces; an empty argument text gives none. */
    List<String> arguments() {
        return argument.isEmpty() ? List.of() : Arrays.asList(argument.split(" ", -1));
    }

    /**
     * A message number or line count: 1 to 9 decimal digits. RFC 1939 forbids signs and spaces;
     * empty when it is not one.
     */
    static OptionalLong number(String text) {
        if (text.isEmpty() || text.length() > 9 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(Long.parseLong(text));
    }
}
