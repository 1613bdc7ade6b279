package org.dirmail.mta.delivery;

import java.nio.file.Path;

/**
 * How delivery reads and obeys an entry's {@code .qmail} file (qmailDotMode {@code dotonly} or
 * {@code both}, qmail-ldap.md §3.3); decided by {@link DeliveryPlan} from the entry and the
 * configuration, carried out by {@link DotQmailDelivery}. The home is already under the mail root.
 *
 * @param home        the directory holding the {@code .qmail} files
 * @param extension   the address extension: {@code .qmail-EXT} is read, with the -default fallbacks
 * @param dotOnly     {@code dotonly}: the file's lines replace the entry's mailbox, which is used
 *                    only when the file is missing or empty; {@code both}: the lines come on top
 * @param files       Maildir and mbox lines are obeyed (not under deliveryMode nolocal)
 * @param forwards    forward lines are obeyed (not under deliveryMode noforward)
 * @param programs    program lines are run ({@code allow_programs}, and not under noprogram)
 * @param forwardOnly deliveryMode forwardonly: a file or program line defers (4.7.0), as in qmail-ldap
 */
public record DotQmailRules(Path home, String extension, boolean dotOnly, boolean files, boolean forwards,
        boolean programs, boolean forwardOnly) {

    /** The file delivery reads first, for people: {@code .qmail} or {@code .qmail-EXT}. */
    public String fileName() {
        return extension.isEmpty() ? ".qmail" : ".qmail-" + extension;
    }
}
