package org.dirmail.mta.bounce;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One recipient a bounce reports, as delivery found it. The values come from the directory, the
 * disk or a remote server and are untrusted: {@link DsnBuilder} sanitises every one before use.
 *
 * @param recipient the envelope recipient
 * @param status    the RFC 3463 status: 5.x.y, or the last 4.x.y when the queue lifetime ran out
 * @param reason    what went wrong: our words, or {@code host said: 550 5.1.1 ...} from a server
 * @param relay     who answered: {@code local}, {@code none}, or a server as {@code name[address]:port}
 * @param expired   true when the queue lifetime ended a run of temporary failures
 */
public record FailedRecipient(String recipient, String status, String reason, String relay, boolean expired) {

    /** The remote client's wording of a server's reply (ClientReply.said): {@code host said: 550 ...}. */
    private static final Pattern SAID = Pattern.compile(".*? said: ([2-5][0-9][0-9](?: .*)?)");

    /** The server that answered, for {@code Remote-MTA:}; empty for local failures and unreachable servers. */
    public Optional<String> remoteMta() {
        if (relay == null || relay.equals("local") || relay.equals("none") || relay.isEmpty()) {
            return Optional.empty();
        }
        int bracket = relay.indexOf('[');
        return Optional.of(bracket > 0 ? relay.substring(0, bracket) : relay);
    }

    /** The server's own reply ({@code 550 5.1.1 text}), for {@code Diagnostic-Code: smtp;}, when one was given. */
    public Optional<String> smtpReply() {
        if (remoteMta().isEmpty() || reason == null) {
            return Optional.empty();
        }
        Matcher m = SAID.matcher(DsnText.printable(reason));
        return m.matches() ? Optional.of(m.group(1)) : Optional.empty();
    }
}
