package org.dirmail.mta.delivery;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.function.Predicate;

/**
 * Reads just enough of a message's header section to spot loops. The message is untrusted; this
 * never fails, it only answers whether a given {@code Delivered-To:} line is present.
 */
final class HeaderScan {

    private HeaderScan() {
    }

    /**
     * True when the header section holds {@code Delivered-To: address} (case-insensitive, as
     * qmail-local compares it), which means this message has been here before: a loop.
     */
    static boolean hasDeliveredTo(byte[] message, String address) {
        String wanted = address.toLowerCase(Locale.ROOT);
        return hasField(message, "Delivered-To", value -> value.toLowerCase(Locale.ROOT).equals(wanted));
    }

    /** True when the header section has a field {@code name} (any case) whose trimmed value passes {@code test}. */
    static boolean hasField(byte[] message, String name, Predicate<String> test) {
        int pos = 0;
        while (pos < message.length) {
            int eol = indexOfLf(message, pos);
            int end = eol < 0 ? message.length : eol;
            int contentEnd = end > pos && message[end - 1] == '\r' ? end - 1 : end;
            if (contentEnd == pos) {
                return false; // the empty line that ends the header section
            }
            String line = new String(message, pos, contentEnd - pos, StandardCharsets.ISO_8859_1);
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)
                    && test.test(line.substring(colon + 1).trim())) {
                return true;
            }
            if (eol < 0) {
                return false;
            }
            pos = eol + 1;
        }
        return false;
    }

    private static int indexOfLf(byte[] data, int from) {
        for (int i = from; i < data.length; i++) {
            if (data[i] == '\n') {
                return i;
            }
        }
        return -1;
    }
}
