package org.dirmail.mta.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The sendmail command line, as cron, PHP's mail() and most programs use it: recipients, {@code -t},
 * {@code -f sender}, {@code -F name}, {@code -i}/{@code -oi}; the common options that change
 * nothing for us ({@code -odi}, {@code -oem}, {@code -bm}, {@code -v}, ...) are accepted and
 * ignored, as Postfix's sendmail does. Anything else is a usage error, never a guess.
 *
 * @param recipients    command-line recipients, as given
 * @param fromHeaders   {@code -t}: add the To, Cc and Bcc addresses of the message
 * @param sender        {@code -f}/{@code -r}, when given
 * @param fullName      {@code -F}, when given
 * @param ignoreDots    {@code -i}/{@code -oi}: a line with a single dot does not end the message
 */
record SendmailArguments(List<String> recipients, boolean fromHeaders, Optional<String> sender,
        Optional<String> fullName, boolean ignoreDots) {

    /** Options of sendmail(8) that take a value we ignore: body type, DSN notify, return, envid, log. */
    private static final Set<Character> IGNORED_WITH_VALUE = Set.of('B', 'N', 'R', 'V', 'L', 'X', 'C', 'h');
    /** Options without a value that change nothing here: verbose, me-too, no aliases, initial submission. */
    private static final Set<String> IGNORED = Set.of("-v", "-m", "-n", "-U", "-Am", "-Ac", "-bm", "-G");

    /** A command line that makes no sense; its message is shown to the user. */
    static final class UsageException extends Exception {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }

    static SendmailArguments parse(List<String> args) throws UsageException {
        List<String> recipients = new ArrayList<>();
        boolean fromHeaders = false;
        boolean ignoreDots = false;
        String sender = null;
        String fullName = null;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("--")) {
                recipients.addAll(args.subList(i + 1, args.size()));
                break;
            }
            if (!a.startsWith("-") || a.length() == 1) {
                recipients.add(a);
            } else if (a.equals("-t")) {
                fromHeaders = true;
            } else if (a.equals("-i") || a.equals("-oi")) {
                ignoreDots = true;
            } else if (a.startsWith("-f") || a.startsWith("-r")) {
                sender = a.length() > 2 ? a.substring(2) : value(args, ++i, a);
            } else if (a.startsWith("-F")) {
                fullName = a.length() > 2 ? a.substring(2) : value(args, ++i, a);
            } else if (a.startsWith("-o") || IGNORED.contains(a)) {
                continue; // -odi, -oem, -oQ..., -bm: delivery mode and error mode are ours to choose
            } else if (a.length() == 2 && IGNORED_WITH_VALUE.contains(a.charAt(1))) {
                value(args, ++i, a);
            } else if (a.length() > 2 && IGNORED_WITH_VALUE.contains(a.charAt(1))) {
                continue;
            } else {
                throw new UsageException("unsupported option " + a.replaceAll("[^\\x21-\\x7e]", "?")
                        + " (only message submission is supported)");
            }
        }
        return new SendmailArguments(recipients, fromHeaders, Optional.ofNullable(sender),
                Optional.ofNullable(fullName), ignoreDots);
    }

    private static String value(List<String> args, int i, String option) throws UsageException {
        if (i >= args.size()) {
            throw new UsageException("option " + option + " needs a value");
        }
        return args.get(i);
    }
}
