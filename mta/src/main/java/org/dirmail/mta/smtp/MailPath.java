package org.dirmail.mta.smtp;

import java.util.Locale;

/**
 * A syntactically valid RFC 5321 4.1.2 path: {@code <local@domain>}, or the null reverse path
 * {@code <>}. Parsing is strict and trusts nothing: dot-atom or quoted local part, a domain or an
 * address literal, no whitespace or control characters, the length limits of RFC 5321 4.5.3.1,
 * ASCII only (we do not offer SMTPUTF8). A source route ({@code <@a,@b:x@y>}) is checked, then
 * dropped as RFC 5321 Appendix C allows.
 *
 * @param localPart the local part as it will be used: a quoted one is unquoted when its content is
 *                  a plain dot-string (RFC 5321 4.1.2 says the forms are equivalent)
 * @param domain    the domain or address literal as written; empty only for the null path
 */
public record MailPath(String localPart, String domain) {

    /** The null reverse path {@code <>} (RFC 5321 4.5.5). */
    public static final MailPath NULL = new MailPath("", "");

    static final int MAX_LOCAL_PART = 64; // RFC 5321 4.5.3.1.1
    static final int MAX_DOMAIN = 255; // RFC 5321 4.5.3.1.2
    static final int MAX_PATH = 256; // RFC 5321 4.5.3.1.3, angle brackets included
    private static final int MAX_LABEL = 63; // RFC 1035 2.3.4

    /** Why a path was refused; each maps to its own reply. */
    enum Problem { SYNTAX, TOO_LONG, NON_ASCII }

    /** A refused path. Carries no client text, so it is safe to log and to show. */
    static final class InvalidPathException extends Exception {
        private static final long serialVersionUID = 1L;
        private final Problem problem;

        InvalidPathException(Problem problem) {
            super(problem.name(), null, false, false);
            this.problem = problem;
        }

        Problem problem() {
            return problem;
        }
    }

    /** True for {@code <>}. */
    public boolean isNull() {
        return domain.isEmpty();
    }

    /** {@code local@domain}, or the empty string for the null path (as {@code Envelope} wants). */
    public String address() {
        return isNull() ? "" : localPart + "@" + domain;
    }

    /** The path as it appears in logs and replies: {@code <local@domain>}. */
    @Override
    public String toString() {
        return "<" + address() + ">";
    }

    /**
     * Checks an address that reached us outside SMTP (a maildrop file, a command line) with the
     * same rules as a path: {@code local@domain} without angle brackets, or the empty string for
     * the null path when {@code allowNull}. Empty when it is not valid.
     */
    public static java.util.Optional<MailPath> parseAddress(String address, boolean allowNull) {
        try {
            return java.util.Optional.of(parse("<" + address + ">", allowNull));
        } catch (InvalidPathException e) {
            return java.util.Optional.empty();
        }
    }

    /** Parses a path including its angle brackets; {@code <>} only when {@code allowNull}. */
    static MailPath parse(String text, boolean allowNull) throws InvalidPathException {
        if (!text.chars().allMatch(c -> c < 0x80)) {
            throw new InvalidPathException(Problem.NON_ASCII);
        }
        if (text.length() > MAX_PATH) {
            throw new InvalidPathException(Problem.TOO_LONG);
        }
        if (text.length() < 2 || text.charAt(0) != '<' || text.charAt(text.length() - 1) != '>') {
            throw new InvalidPathException(Problem.SYNTAX);
        }
        String inner = text.substring(1, text.length() - 1);
        if (inner.isEmpty()) {
            if (allowNull) {
                return NULL;
            }
            throw new InvalidPathException(Problem.SYNTAX);
        }
        return parseMailbox(stripSourceRoute(inner));
    }

    /** A-d-l ":" before the mailbox: every At-domain must be valid, then it is ignored. */
    private static String stripSourceRoute(String inner) throws InvalidPathException {
        if (inner.charAt(0) != '@') {
            return inner;
        }
        int colon = inner.indexOf(':');
        if (colon < 0) {
            throw new InvalidPathException(Problem.SYNTAX);
        }
        for (String atDomain : inner.substring(0, colon).split(",", -1)) {
            if (atDomain.length() < 2 || atDomain.charAt(0) != '@' || !isDomain(atDomain.substring(1))) {
                throw new InvalidPathException(Problem.SYNTAX);
            }
        }
        return inner.substring(colon + 1);
    }

    private static MailPath parseMailbox(String mailbox) throws InvalidPathException {
        int at = localPartEnd(mailbox);
        if (at <= 0 || at >= mailbox.length() - 1 || mailbox.charAt(at) != '@') {
            throw new InvalidPathException(Problem.SYNTAX);
        }
        String local = mailbox.substring(0, at);
        String domain = mailbox.substring(at + 1);
        if (local.length() > MAX_LOCAL_PART || domain.length() > MAX_DOMAIN) {
            throw new InvalidPathException(Problem.TOO_LONG);
        }
        if (!(isDomain(domain) || isAddressLiteral(domain))) {
            throw new InvalidPathException(Problem.SYNTAX);
        }
        if (local.charAt(0) == '"') {
            String unquoted = unquote(local);
            return new MailPath(isDotString(unquoted) ? unquoted : local, domain);
        }
        if (!isDotString(local)) {
            throw new InvalidPathException(Problem.SYNTAX);
        }
        return new MailPath(local, domain);
    }

    /** Index of the '@' after the local part; a quoted local part may itself contain '@'. */
    private static int localPartEnd(String mailbox) throws InvalidPathException {
        if (mailbox.isEmpty() || mailbox.charAt(0) != '"') {
            return mailbox.lastIndexOf('@');
        }
        for (int i = 1; i < mailbox.length(); i++) {
            char c = mailbox.charAt(i);
            if (c == '\\') {
                i++; // quoted-pairSMTP: the next char is taken literally (checked in unquote)
            } else if (c == '"') {
                return i + 1 < mailbox.length() ? i + 1 : -1;
            }
        }
        throw new InvalidPathException(Problem.SYNTAX);
    }

    /** RFC 5321 Quoted-string: qtextSMTP and quoted-pairSMTP, printable ASCII and space only. */
    private static String unquote(String quoted) throws InvalidPathException {
        var out = new StringBuilder();
        for (int i = 1; i < quoted.length() - 1; i++) {
            char c = quoted.charAt(i);
            if (c == '\\') {
                i++;
                if (i >= quoted.length() - 1 || quoted.charAt(i) < 0x20 || quoted.charAt(i) > 0x7e) {
                    throw new InvalidPathException(Problem.SYNTAX);
                }
                out.append(quoted.charAt(i));
            } else if (c < 0x20 || c > 0x7e || c == '"') {
                throw new InvalidPathException(Problem.SYNTAX);
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    /** Dot-string = Atom *("." Atom). */
    private static boolean isDotString(String s) {
        if (s.isEmpty() || s.startsWith(".") || s.endsWith(".") || s.contains("..")) {
            return false;
        }
        return s.chars().allMatch(c -> c == '.' || isAtext(c));
    }

    /** RFC 5322 3.2.3 atext. */
    private static boolean isAtext(int c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || "!#$%&'*+-/=?^_`{|}~".indexOf(c) >= 0;
    }

    /** Domain = sub-domain *("." sub-domain); sub-domain = Let-dig [Ldh-str]. */
    static boolean isDomain(String s) {
        if (s.isEmpty() || s.length() > MAX_DOMAIN) {
            return false;
        }
        for (String label : s.split("\\.", -1)) {
            if (label.isEmpty() || label.length() > MAX_LABEL
                    || !isLetDig(label.charAt(0)) || !isLetDig(label.charAt(label.length() - 1))
                    || !label.chars().allMatch(c -> c == '-' || isLetDig(c))) {
                return false;
            }
        }
        return true;
    }

    private static boolean isLetDig(int c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    }

    /** RFC 5321 4.1.3: {@code [IPv4]} or {@code [IPv6:...]}; general literals are refused. */
    static boolean isAddressLiteral(String s) {
        if (s.length() < 3 || s.charAt(0) != '[' || s.charAt(s.length() - 1) != ']') {
            return false;
        }
        String inner = s.substring(1, s.length() - 1);
        if (inner.regionMatches(true, 0, "IPv6:", 0, 5)) {
            return isIpv6(inner.substring(5));
        }
        return isIpv4(inner);
    }

    private static boolean isIpv4(String s) {
        String[] parts = s.split("\\.", -1);
        if (parts.length != 4) {
            return false;
        }
        for (String part : parts) {
            if (part.isEmpty() || part.length() > 3 || !part.chars().allMatch(c -> c >= '0' && c <= '9')
                    || Integer.parseInt(part) > 255) {
                return false;
            }
        }
        return true;
    }

    /** IPv6-addr of RFC 5321 4.1.3: full, compressed ("::" once), optionally ending in IPv4. */
    private static boolean isIpv6(String s) {
        int groups = 0;
        String hex = s;
        int lastColon = s.lastIndexOf(':');
        if (lastColon >= 0 && s.indexOf('.', lastColon) > 0) {
            if (!isIpv4(s.substring(lastColon + 1))) {
                return false;
            }
            // The IPv4 tail counts as two groups: one stands in for it below, one is added here.
            hex = s.substring(0, lastColon + 1) + "0";
            groups = 1;
        }
        int compressed = hex.indexOf("::");
        if (compressed >= 0 && hex.indexOf("::", compressed + 1) >= 0) {
            return false;
        }
        String[] halves = compressed >= 0
                ? new String[] {hex.substring(0, compressed), hex.substring(compressed + 2)}
                : new String[] {hex};
        for (String half : halves) {
            if (half.isEmpty()) {
                continue;
            }
            for (String group : half.split(":", -1)) {
                if (group.isEmpty() || group.length() > 4 || !group.toLowerCase(Locale.ROOT).chars()
                        .allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
                    return false;
                }
                groups++;
            }
        }
        return compressed >= 0 ? groups <= 7 : groups == 8;
    }
}
