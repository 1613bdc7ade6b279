package org.dirmail.mta.metrics;

/**
 * A short, fixed name for why a reply refused something: the subject of its RFC 3463 enhanced
 * status code (the middle number), so a metric tag never holds reply text. Trusts nothing about
 * the enhanced code it is given.
 */
final class ReasonClass {

    /** RFC 3463 3.1 to 3.8, subjects 0 to 7. */
    private static final String[] SUBJECTS = {
        "other", "address", "mailbox", "mail_system", "network", "protocol", "content", "policy"};

    private ReasonClass() {
    }

    /** {@code "5.1.1"} is "address"; an empty or odd code is "other". */
    static String of(String enhanced) {
        int first = enhanced.indexOf('.');
        int second = enhanced.indexOf('.', first + 1);
        if (first < 0 || second != first + 2) {
            return "other";
        }
        int subject = enhanced.charAt(first + 1) - '0';
        return subject >= 0 && subject < SUBJECTS.length ? SUBJECTS[subject] : "other";
    }
}
