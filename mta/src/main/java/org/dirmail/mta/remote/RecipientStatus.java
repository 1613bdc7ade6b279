package org.dirmail.mta.remote;

/**
 * The outcome for one recipient: a reply code, an RFC 3463 enhanced status code and a text that is
 * either the remote server's (sanitised) or ours. Only {@link Failed} is permanent.
 */
public sealed interface RecipientStatus permits RecipientStatus.Delivered, RecipientStatus.Deferred,
        RecipientStatus.Failed {

    int code();

    String enhanced();

    String text();

    /** The remote server accepted the message for this recipient (a 250 after the data). */
    record Delivered(int code, String enhanced, String text) implements RecipientStatus {
    }

    /** Try again later: a 4xx, a timeout, a lost connection, DNS trouble. */
    record Deferred(int code, String enhanced, String text) implements RecipientStatus {
    }

    /** Give up and bounce: a 5xx for this recipient, or a domain that cannot receive mail. */
    record Failed(int code, String enhanced, String text) implements RecipientStatus {
    }

    /** A temporary failure found here, not said by a server (451: RFC 5321 4.2.3 "local error"). */
    static Deferred deferred(String enhanced, String text) {
        return new Deferred(451, enhanced, text);
    }

    /** A permanent failure found here (550, or 556 for a null MX as RFC 7505 4.1 says). */
    static Failed failed(String enhanced, String text) {
        int code = "5.1.10".equals(enhanced) ? 556 : "5.3.4".equals(enhanced) ? 552 : 550;
        return new Failed(code, enhanced, text);
    }
}
