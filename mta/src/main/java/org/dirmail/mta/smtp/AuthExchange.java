package org.dirmail.mta.smtp;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;

/**
 * The SASL dialogue of one AUTH command (RFC 4954 4): the PLAIN (RFC 4616) and LOGIN mechanisms,
 * from the command's argument through the 334 challenges to a login and password. Decodes hostile
 * base64 and hands on what it found without judging it; the credentials are never logged. Lives
 * on the session's event loop.
 */
final class AuthExchange {

    /** Where the dialogue stands after a client line. */
    sealed interface Outcome permits Challenge, Credentials, Refused {
    }

    /** Send {@code 334 text} and wait for the response. */
    record Challenge(String text) implements Outcome {
    }

    /** The client's credentials, to check with the directory. */
    record Credentials(String mechanism, String login, String password) implements Outcome {
        @Override
        public String toString() { // a record would print the password
            return "Credentials[" + mechanism + ", " + SmtpReply.printable(login) + "]";
        }
    }

    /** The dialogue ends with this reply; the directory is not asked. */
    record Refused(SmtpReply reply) implements Outcome {
    }

    /** The mechanisms we offer, in EHLO order (RFC 4954 3). */
    static final String MECHANISMS = "PLAIN LOGIN";
    // The LOGIN mechanism's customary prompts, "Username:" and "Password:" in base64.
    private static final String USERNAME_PROMPT = "VXNlcm5hbWU6";
    private static final String PASSWORD_PROMPT = "UGFzc3dvcmQ6";

    private enum Expect { PLAIN_MESSAGE, LOGIN_USERNAME, LOGIN_PASSWORD }

    private Expect expect;
    private String username;

    /** The argument of AUTH: a mechanism and, optionally, an initial response (RFC 4954 4). */
    Outcome begin(String argument) {
        int space = argument.indexOf(' ');
        String mechanism = (space < 0 ? argument : argument.substring(0, space)).toUpperCase(Locale.ROOT);
        String initial = space < 0 ? null : argument.substring(space + 1);
        if (mechanism.isEmpty() || (initial != null && initial.isEmpty())) {
            return new Refused(SmtpReply.SYNTAX_AUTH);
        }
        switch (mechanism) {
            case "PLAIN" -> expect = Expect.PLAIN_MESSAGE;
            case "LOGIN" -> expect = Expect.LOGIN_USERNAME;
            default -> {
                return new Refused(SmtpReply.AUTH_UNKNOWN_MECHANISM);
            }
        }
        if (initial == null) {
            return new Challenge(expect == Expect.PLAIN_MESSAGE ? "" : USERNAME_PROMPT);
        }
        // RFC 4954 4: "=" stands for an empty initial response.
        return respond(initial.equals("=") ? "" : initial);
    }

    /** One response line of the client, after a {@link Challenge}. */
    Outcome respond(String line) {
        if (line.equals("*")) {
            return new Refused(SmtpReply.AUTH_CANCELLED); // RFC 4954 4
        }
        byte[] decoded;
        try {
            decoded = Base64.getDecoder().decode(line);
        } catch (IllegalArgumentException e) {
            return new Refused(SmtpReply.AUTH_BAD_BASE64); // RFC 4954 4
        }
        String text = new String(decoded, StandardCharsets.UTF_8);
        switch (expect) {
            case PLAIN_MESSAGE:
                return plain(text);
            case LOGIN_USERNAME:
                username = text;
                expect = Expect.LOGIN_PASSWORD;
                return new Challenge(PASSWORD_PROMPT);
            default:
                return credentials("LOGIN", username, text);
        }
    }

    /** RFC 4616 2: [authzid] NUL authcid NUL passwd; we act for no one else, so authzid is empty or ours. */
    private static Outcome plain(String message) {
        String[] parts = message.split("\u0000", -1);
        if (parts.length != 3) {
            return new Refused(SmtpReply.AUTH_FAILED);
        }
        if (!parts[0].isEmpty() && !parts[0].equals(parts[1])) {
            return new Refused(SmtpReply.AUTH_FAILED);
        }
        return credentials("PLAIN", parts[1], parts[2]);
    }

    /** An empty login or password is refused here: to LDAP an empty-password bind is anonymous. */
    private static Outcome credentials(String mechanism, String login, String password) {
        if (login.isEmpty() || password.isEmpty()) {
            return new Refused(SmtpReply.AUTH_FAILED);
        }
        return new Credentials(mechanism, login, password);
    }
}
