package org.dirmail.mta.smtp;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The argument of MAIL FROM: or RCPT TO: split into the path and its ESMTP parameters
 * (RFC 5321 4.1.2 Mail-parameters / Rcpt-parameters). Untrusted text in, checked pieces out.
 *
 * @param path       from {@code <} to the matching {@code >}, not yet validated (see {@link MailPath})
 * @param parameters the text after the path and one space; empty when there are none
 */
record MailArgument(String path, String parameters) {

    /** Splits {@code text}; empty when it does not start with a complete {@code <...>}. */
    static Optional<MailArgument> split(String text) {
        if (text.isEmpty() || text.charAt(0) != '<') {
            return Optional.empty();
        }
        boolean quoted = false;
        for (int i = 1; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\' && quoted) {
                i++;
            } else if (c == '"') {
                quoted = !quoted;
            } else if (c == '>' && !quoted) {
                String rest = text.substring(i + 1);
                if (!rest.isEmpty() && rest.charAt(0) != ' ') {
                    return Optional.empty();
                }
                String parameters = rest.isEmpty() ? "" : rest.substring(1);
                return Optional.of(new MailArgument(text.substring(0, i + 1), parameters));
            }
        }
        return Optional.empty();
    }

    /**
     * The parameters as upper-cased keyword to value ({@code ""} when a keyword has none), in
     * order; empty when any is malformed or repeated. RFC 5321 4.1.2: esmtp-keyword and esmtp-value.
     */
    Optional<Map<String, String>> parameterMap() {
        var map = new LinkedHashMap<String, String>();
        if (parameters.isEmpty()) {
            return Optional.of(map);
        }
        for (String param : parameters.split(" ", -1)) {
            int eq = param.indexOf('=');
            String keyword = eq < 0 ? param : param.substring(0, eq);
            String value = eq < 0 ? "" : param.substring(eq + 1);
            if (!isKeyword(keyword) || (eq >= 0 && !isValue(value))
                    || map.put(keyword.toUpperCase(Locale.ROOT), value) != null) {
                return Optional.empty();
            }
        }
        return Optional.of(map);
    }

    /**
     * Why MAIL's parameters must be refused, if they must: RFC 1870 SIZE, RFC 6152 BODY and
     * RFC 4954 5 AUTH are understood, anything else is 555 (RFC 5321 4.1.1.11). AUTH= is checked
     * and then ignored: it names who submitted the message and grants nothing.
     */
    Optional<SmtpReply> mailParameterProblem(int maxMessageSize) {
        Optional<Map<String, String>> parameters = parameterMap();
        if (parameters.isEmpty()) {
            return Optional.of(SmtpReply.BAD_PARAMETER_VALUE);
        }
        for (var parameter : parameters.get().entrySet()) {
            String value = parameter.getValue();
            switch (parameter.getKey()) {
                case "SIZE" -> {
                    if (value.isEmpty() || value.length() > 18
                            || !value.chars().allMatch(c -> c >= '0' && c <= '9')) {
                        return Optional.of(SmtpReply.BAD_PARAMETER_VALUE);
                    }
                    if (Long.parseLong(value) > maxMessageSize) {
                        return Optional.of(SmtpReply.SIZE_EXCEEDED); // RFC 1870 6.1
                    }
                }
                case "BODY" -> {
                    if (!value.equalsIgnoreCase("7BIT") && !value.equalsIgnoreCase("8BITMIME")) {
                        return Optional.of(SmtpReply.BAD_PARAMETER_VALUE);
                    }
                }
                case "AUTH" -> {
                    if (decodeXtext(value).isEmpty()) {
                        return Optional.of(SmtpReply.BAD_PARAMETER_VALUE);
                    }
                }
                default -> {
                    return Optional.of(SmtpReply.UNKNOWN_PARAMETER);
                }
            }
        }
        return Optional.empty();
    }

    /** MAIL's SIZE= value (RFC 1870), 0 when absent; call only after {@link #mailParameterProblem} found none. */
    long declaredSize() {
        String size = parameterMap().orElseThrow().get("SIZE");
        return size == null ? 0 : Long.parseLong(size);
    }

    /**
     * RFC 3461 4 xtext: printable ASCII except '+' and '=', with "+XX" (upper-case hex) for any
     * octet. Empty when malformed or when it decodes to CR, LF or NUL, which could forge a line.
     */
    static Optional<String> decodeXtext(String xtext) {
        var out = new StringBuilder(xtext.length());
        for (int i = 0; i < xtext.length(); i++) {
            char c = xtext.charAt(i);
            if (c == '+') {
                if (i + 2 >= xtext.length() || !isUpperHex(xtext.charAt(i + 1)) || !isUpperHex(xtext.charAt(i + 2))) {
                    return Optional.empty();
                }
                char decoded = (char) Integer.parseInt(xtext.substring(i + 1, i + 3), 16);
                if (decoded == '\r' || decoded == '\n' || decoded == 0) {
                    return Optional.empty();
                }
                out.append(decoded);
                i += 2;
            } else if (c < 33 || c > 126 || c == '=') {
                return Optional.empty();
            } else {
                out.append(c);
            }
        }
        return Optional.of(out.toString());
    }

    private static boolean isUpperHex(char c) {
        return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F');
    }

    private static boolean isKeyword(String s) {
        return !s.isEmpty() && s.charAt(0) != '-' && s.chars().allMatch(c ->
                (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-');
    }

    private static boolean isValue(String s) {
        return !s.isEmpty() && s.chars().allMatch(c -> c >= 33 && c <= 126 && c != '=');
    }
}
