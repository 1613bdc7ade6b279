package org.dirmail.mta.bounce;

import java.util.ArrayList;
import java.util.List;

/**
 * Text that is safe in a 7-bit MIME part and a header section: printable US-ASCII only, bounded,
 * and broken into lines well under RFC 5322's 998-octet limit. Everything it is given may come
 * from the network or the directory.
 */
final class DsnText {

    /** Longest text kept from one untrusted value. */
    static final int MAX_VALUE = 1000;
    /** RFC 5322 2.1.1: lines SHOULD be at most 78 characters. */
    static final int WIDTH = 78;
    /** A word longer than this is cut, so no line can reach 998 octets. */
    private static final int MAX_WORD = 900;

    private DsnText() {
    }

    /** Printable ASCII: controls and 8-bit characters become '?', white space runs one space, at most {@link #MAX_VALUE}. */
    static String printable(String value) {
        if (value == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(Math.min(value.length(), MAX_VALUE));
        for (int i = 0; i < value.length() && out.length() < MAX_VALUE; i++) {
            char c = value.charAt(i);
            if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
                if (out.length() > 0 && out.charAt(out.length() - 1) != ' ') {
                    out.append(' ');
                }
            } else {
                out.append(c > 0x20 && c < 0x7f ? c : '?');
            }
        }
        return out.toString().strip();
    }

    /** {@code Name: value}, folded at spaces (RFC 5322 2.2.3), CRLF-terminated. */
    static String field(String name, String value) {
        return join(name + ": ", printable(value), " ") + "\r\n";
    }

    /** A paragraph wrapped at {@link #WIDTH}; continuation lines start with {@code indent}. CRLF-terminated. */
    static String paragraph(String text, String indent) {
        return join("", printable(text), indent) + "\r\n";
    }

    private static String join(String first, String text, String indent) {
        StringBuilder out = new StringBuilder(first);
        int lineStart = 0;
        boolean lineHasWord = false;
        for (String word : words(text)) {
            int lineLength = out.length() - lineStart;
            if (lineHasWord && lineLength + 1 + word.length() > WIDTH) {
                out.append("\r\n");
                lineStart = out.length();
                out.append(indent).append(word);
            } else {
                out.append(lineHasWord ? " " : "").append(word);
            }
            lineHasWord = true;
        }
        return out.toString();
    }

    private static List<String> words(String text) {
        List<String> words = new ArrayList<>();
        for (String word : text.split(" ")) {
            for (int i = 0; i < word.length(); i += MAX_WORD) {
                words.add(word.substring(i, Math.min(word.length(), i + MAX_WORD)));
            }
        }
        return words;
    }
}
