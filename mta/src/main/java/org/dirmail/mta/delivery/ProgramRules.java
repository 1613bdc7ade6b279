package org.dirmail.mta.delivery;

import java.util.List;
import java.util.regex.Pattern;
import org.dirmail.directory.MailUser;

/**
 * Whether an entry's {@code deliveryProgramPath} values run (qmail-ldap.md §1.2, §3): only under
 * qmailDotMode {@code ldapwithprog} or {@code both}, without deliveryMode {@code noprogram}, and
 * only when {@code allow_programs} is on, since every program runs as the dirmail user. The values
 * are directory data: they must pass qmail-ldap's RESTRICT_PROG character check.
 */
final class ProgramRules {

    /** qmail-ldap's RESTRICT_PROG characters; a leading '-' is refused too. */
    private static final Pattern ALLOWED = Pattern.compile("(?!-)[-a-zA-Z0-9@_./:=\\\\\\t\\n \"'+,]+");

    private ProgramRules() {
    }

    /** The programs to run, with a note for people when there are some that will not run. */
    static List<String> ldapPrograms(MailUser user, String dotMode, boolean allowPrograms, boolean noProgram,
            List<String> notes) {
        if (user.deliveryPrograms().isEmpty()) {
            return List.of();
        }
        String why;
        if (!dotMode.equals("ldapwithprog") && !dotMode.equals("both")) {
            why = "qmailDotMode " + dotMode + " (ldapwithprog or both runs it)";
        } else if (noProgram) {
            why = "deliveryMode noprogram or forwardonly";
        } else if (!allowPrograms) {
            why = "allow_programs is off";
        } else {
            return user.deliveryPrograms();
        }
        notes.add("deliveryProgramPath not run: " + why);
        return List.of();
    }

    /** True when every command passes the character check. */
    static boolean allAllowed(List<String> commands) {
        return commands.stream().allMatch(command -> !command.isBlank() && ALLOWED.matcher(command).matches());
    }
}
