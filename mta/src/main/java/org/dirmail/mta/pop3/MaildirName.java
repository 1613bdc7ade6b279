package org.dirmail.mta.pop3;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.OptionalLong;
import java.util.TreeSet;

/**
 * What a Maildir file name tells POP3 (maildir(5), Maildir++): the unique base name before the
 * first {@code :}, the info after it ({@code 2,FLAGS}), and the size hints {@code ,S=} and
 * {@code ,W=}. Names come from the disk and are only parsed, never used as paths elsewhere.
 */
final class MaildirName {

    /** RFC 1939 7: a unique-id is 1 to 70 characters in 0x21..0x7E. */
    private static final int MAX_UID_LENGTH = 70;

    private MaildirName() {
    }

    /** The base name: everything before the first {@code :}. Stable across new/→cur/ and flag changes. */
    static String base(String fileName) {
        int colon = fileName.indexOf(':');
        return colon < 0 ? fileName : fileName.substring(0, colon);
    }

    /**
     * The UIDL of a message: its base name when that is a valid RFC 1939 unique-id, else a digest
     * of it (still stable, since the base name never changes).
     */
    static String uid(String fileName) {
        String base = base(fileName);
        if (!base.isEmpty() && base.length() <= MAX_UID_LENGTH && base.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            return base;
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(base.getBytes(StandardCharsets.UTF_8));
            return "H" + HexFormat.of().formatHex(digest, 0, 24);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is mandatory in every JRE", e);
        }
    }

    /**
     * The name of the file once seen, in {@code cur/} (Dovecot and Courier): info {@code 2,}
     * gets {@code S} added and the flags kept in ASCII order; a name without info gets
     * {@code :2,S}. Any other info (experimental {@code 1,}) is kept as it is.
     */
    static String seen(String fileName) {
        int colon = fileName.indexOf(':');
        if (colon < 0) {
            return fileName + ":2,S";
        }
        String info = fileName.substring(colon + 1);
        if (!info.startsWith("2,")) {
            return fileName;
        }
        TreeSet<Character> flags = new TreeSet<>();
        for (char c : info.substring(2).toCharArray()) {
            flags.add(c);
        }
        flags.add('S');
        StringBuilder name = new StringBuilder(fileName.substring(0, colon)).append(":2,");
        flags.forEach(name::append);
        return name.toString();
    }

    /** The value of a {@code ,KEY=digits} field in the base name (Maildir++ {@code S}, Dovecot {@code W}). */
    static OptionalLong sizeField(String fileName, char key) {
        String base = base(fileName);
        String marker = "," + key + "=";
        int at = base.indexOf(marker);
        if (at < 0) {
            return OptionalLong.empty();
        }
        int start = at + marker.length();
        int end = start;
        while (end < base.length() && Character.isDigit(base.charAt(end))) {
            end++;
        }
        if (end == start || end - start > 18) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(Long.parseLong(base.substring(start, end)));
    }

    /** The delivery time in seconds at the start of the name, when it has one. */
    static OptionalLong seconds(String fileName) {
        return leadingNumber(fileName, 0);
    }

    /** The microseconds of the {@code .M<usec>} part qmail-style names carry, or 0. */
    static long micros(String fileName) {
        int dot = fileName.indexOf(".M");
        return dot < 0 ? 0 : leadingNumber(fileName, dot + 2).orElse(0);
    }

    private static OptionalLong leadingNumber(String s, int start) {
        int end = start;
        while (end < s.length() && end - start < 18 && Character.isDigit(s.charAt(end))) {
            end++;
        }
        return end == start ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(s.substring(start, end)));
    }
}
