package org.dirmail.mta.delivery;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.dirmail.directory.GroupExpansion;
import org.dirmail.directory.MailGroup;
import org.dirmail.directory.MailGroups;
import org.dirmail.directory.PostingDecision;

/**
 * Group answers a test sets per group DN: by default every sender may post and the members are the
 * group's {@code rfc822member}s.
 */
final class ScriptedGroups implements MailGroups {

    final Map<String, PostingDecision> postings = new HashMap<>();
    final Map<String, GroupExpansion> expansions = new HashMap<>();

    @Override
    public CompletionStage<PostingDecision> mayPost(MailGroup group, String sender) {
        return CompletableFuture.completedFuture(
                postings.getOrDefault(group.dn(), new PostingDecision.Allowed("scripted")));
    }

    @Override
    public CompletionStage<GroupExpansion> expand(MailGroup group) {
        return CompletableFuture.completedFuture(
                expansions.getOrDefault(group.dn(), new GroupExpansion.Members(group.rfc822Members(), List.of())));
    }
}
