package org.dirmail.mta.remote;

import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * The SMTP extensions a server offered in its EHLO reply (RFC 5321 4.1.1.1), as far as the client
 * uses them: PIPELINING (RFC 2920), SIZE (RFC 1870), 8BITMIME (RFC 6152), STARTTLS (RFC 3207) and
 * the AUTH mechanisms (RFC 4954). Parsed from hostile text: unknown keywords are ignored and a
 * malformed SIZE counts as "no declared limit".
 *
 * @param sizeLimit the SIZE limit in octets; 0 when SIZE was offered without one; -1 when not offered
 */
record EhloCapabilities(boolean pipelining, long sizeLimit, boolean eightBitMime, boolean startTls,
                        Set<String> authMechanisms) {

    /** After HELO: nothing. */
    static final EhloCapabilities NONE = new EhloCapabilities(false, -1, false, false, Set.of());

    EhloCapabilities {
        authMechanisms = Set.copyOf(authMechanisms);
    }

    static EhloCapabilities parse(ClientReply ehlo) {
        boolean pipelining = false;
        boolean eightBit = false;
        boolean tls = false;
        long size = -1;
        Set<String> auth = new HashSet<>();
        // The first line is the server's name and greeting, not an extension.
        for (String line : ehlo.lines().subList(1, ehlo.lines().size())) {
            String[] words = line.trim().toUpperCase(Locale.ROOT).split("[ =]+");
            switch (words[0]) {
                case "PIPELINING" -> pipelining = true;
                case "8BITMIME" -> eightBit = true;
                case "STARTTLS" -> tls = true;
                case "SIZE" -> size = words.length > 1 ? sizeValue(words[1]) : 0;
                case "AUTH" -> auth.addAll(java.util.Arrays.asList(words).subList(1, words.length));
                default -> {
                    // not used by the client
                }
            }
        }
        return new EhloCapabilities(pipelining, size, eightBit, tls, auth);
    }

    boolean sizeOffered() {
        return sizeLimit >= 0;
    }

    /** True when the server declared a fixed maximum smaller than {@code octets} (RFC 1870 6.1). */
    boolean tooLarge(long octets) {
        return sizeLimit > 0 && octets > sizeLimit;
    }

    private static long sizeValue(String word) {
        try {
            long v = Long.parseLong(word);
            return v >= 0 ? v : 0;
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
