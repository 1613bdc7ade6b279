/**
 * Maildir++ quotas, compatible with Courier, Dovecot and qmail-ldap, so any of them can serve a
 * Maildir dirmail delivers to.
 *
 * <p>{@code maildirsize} at the Maildir root holds the definition ({@code <bytes>S,<count>C};
 * {@code 0S} for none, as Dovecot writes it) and then {@code <bytes> <count>} lines: one appended
 * per delivery with a single O_APPEND write, negative ones per POP3 deletion. The usage is their
 * sum. The file is recalculated (scanned, written in {@code tmp/}, renamed over) when it is
 * missing, unreadable, 5120 bytes or larger, written for limits other than the directory's
 * current ones, or when it says a message would not fit but has more than one usage line or is
 * older than 15 minutes: the rule Courier, Dovecot and qmail-local apply.
 *
 * <p>A scan counts {@code cur/} and {@code new/} of the Maildir and of each {@code .Folder},
 * except {@code .Trash}, as Courier and qmail-ldap (without QUOTATRASH) do. Dovecot counts Trash
 * unless told {@code quota_rule2 = Trash:ignore}; set that when Dovecot shares the mailboxes, or
 * the two will disagree after each recalculation.
 *
 * <p>Maildir++ quotas are soft: two deliveries at once may both fit and together overshoot.
 */
package org.dirmail.mta.quota;
