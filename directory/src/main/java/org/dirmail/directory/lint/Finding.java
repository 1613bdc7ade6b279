package org.dirmail.directory.lint;

/**
 * One problem {@code dirmail directory check} found in one entry: the entry, what breaks mail,
 * and what the admin should change. The values come from the directory and are hostile, so
 * {@link #line()} escapes control characters to keep one finding on one line.
 *
 * @param dn      the entry to edit
 * @param problem what breaks, in words a mail admin reads
 * @param fix     what to change
 */
public record Finding(String dn, String problem, String fix) {

    /** {@code dn: <dn> : <problem> ; fix: <fix>}, with control characters escaped. */
    public String line() {
        return "dn: " + printable(dn) + " : " + printable(problem) + " ; fix: " + printable(fix);
    }

    // A DN or address holding CR, LF or other control characters must not forge a second line.
    static String printable(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isISOControl(c) || Character.getType(c) == Character.FORMAT) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
