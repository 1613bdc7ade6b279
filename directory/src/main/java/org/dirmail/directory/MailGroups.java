package org.dirmail.directory;

import java.util.concurrent.CompletionStage;

/**
 * Questions about mail groups that need the directory: who may post, and who the members are.
 * Asked by the SMTP server at RCPT time and again by delivery, always live. Implementations never
 * block the caller and their stages never complete exceptionally (failures are TempFail answers).
 */
public interface MailGroups {

    /**
     * Applies {@code membersonly} to {@code sender} (the envelope sender without brackets; empty
     * for the null sender, which is never a member).
     */
    CompletionStage<PostingDecision> mayPost(MailGroup group, String sender);

    /** Expands the group's members, nested groups included, each address once. */
    CompletionStage<GroupExpansion> expand(MailGroup group);
}
