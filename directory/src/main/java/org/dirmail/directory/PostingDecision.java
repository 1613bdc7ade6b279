package org.dirmail.directory;

/**
 * May this envelope sender post to this group ({@code membersonly}, qmail-ldap.md §8.1 step 4)?
 * Three answers, like {@link Lookup}: only {@link Refused} is permanent.
 */
public sealed interface PostingDecision permits PostingDecision.Allowed, PostingDecision.Refused,
        PostingDecision.TempFail {

    /** A short text for logs. */
    String detail();

    /** The group is open, or the sender is a member (or a listed sender). */
    record Allowed(String detail) implements PostingDecision {
    }

    /** Members only, and the sender is none of them. */
    record Refused(String detail) implements PostingDecision {
    }

    /**
     * No answer now.
     *
     * @param badData true when the group entry itself is at fault (a filter that does not parse),
     *                which an admin must fix; false when the directory failed
     */
    record TempFail(String detail, boolean badData) implements PostingDecision {
    }
}
