package org.dirmail.mta.smtp;

/**
 * What a listener is for, which decides when TLS and AUTH are required. Port numbers are the
 * configuration's business; the role alone sets the rules.
 */
public enum SmtpRole {
    /** Mail from the world (port 25): STARTTLS offered, never required; AUTH only under TLS unless allowed in clear. */
    MX(false, false),
    /** RFC 6409 message submission (port 587): STARTTLS before AUTH, AUTH before MAIL. */
    SUBMISSION(false, true),
    /** RFC 8314 3.3 submission over implicit TLS (port 465): TLS from the first byte, AUTH before MAIL. */
    SMTPS(true, true);

    private final boolean implicitTls;
    private final boolean submission;

    SmtpRole(boolean implicitTls, boolean submission) {
        this.implicitTls = implicitTls;
        this.submission = submission;
    }

    /** The connection starts with a TLS handshake; the greeting follows it. */
    boolean implicitTls() {
        return implicitTls;
    }

    /** TLS and AUTH are required before MAIL, and AUTH is never offered in clear. */
    boolean submission() {
        return submission;
    }
}
