package org.dirmail.mta.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * Pulls the addr-specs out of an address-list header value (RFC 5322 3.4) for {@code sendmail -t}:
 * display names, comments, quoted strings and groups are understood well enough to find each
 * address; what comes out is only a candidate, checked with the SMTP path rules afterwards.
 */
final class HeaderAddresses {

    private HeaderAddresses() {
    }

    /** The addresses in an unfolded field value, in order; empty items and group names are skipped. */
    static List<String> parse(String value) {
        List<String> out = new ArrayList<>();
        StringBuilder item = new StringBuilder();
        boolean quoted = false;
        boolean angle = false;
        int comment = 0;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (comment > 0) {
                if (c == '\\') {
                    i++;
                } else if (c == '(') {
                    comment++;
                } else if (c == ')') {
                    comment--;
                }
                continue;
            }
            if (quoted) {
                item.append(c);
                if (c == '\\' && i + 1 < value.length()) {
                    item.append(value.charAt(++i));
                } else if (c == '"') {
                    quoted = false;
                }
                continue;
            }
            switch (c) {
                case '"' -> {
                    quoted = true;
                    item.append(c);
                }
                case '(' -> comment = 1;
                case '<' -> {
                    angle = true;
                    item.append(c);
                }
                case '>' -> {
                    angle = false;
                    item.append(c);
                }
                case ':' -> {
                    if (angle) {
                        item.append(c); // a source route inside <...>
                    } else {
                        item.setLength(0); // "group name:" starts a group (RFC 5322 3.4)
                    }
                }
                case ',', ';' -> {
                    if (angle) {
                        item.append(c);
                    } else {
                        add(out, item);
                    }
                }
                default -> item.append(c);
            }
        }
        add(out, item);
        return out;
    }

    private static void add(List<String> out, StringBuilder item) {
        String text = item.toString().strip();
        item.setLength(0);
        int open = text.lastIndexOf('<');
        int close = text.lastIndexOf('>');
        if (open >= 0 && close > open) {
            text = text.substring(open + 1, close).strip(); // "Name" <addr>: the address is in the brackets
        }
        if (!text.isEmpty()) {
            out.add(text);
        }
    }
}
