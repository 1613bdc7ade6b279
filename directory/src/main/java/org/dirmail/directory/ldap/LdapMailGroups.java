package org.dirmail.directory.ldap;

import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.LDAPInterface;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import org.dirmail.directory.GroupExpansion;
import org.dirmail.directory.Lookup;
import org.dirmail.directory.MailGroup;
import org.dirmail.directory.MailGroups;
import org.dirmail.directory.MailUser;
import org.dirmail.directory.PostingDecision;
import org.dirmail.directory.RecipientResolver;
import org.dirmail.schema.QmailAttributes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Mail groups answered live from the directory: expansion ({@link GroupExpander}) and
 * qmail-group's members-only check (qmail-ldap.md §8.1 step 4): the envelope sender must be an
 * {@code rfc822member}, or resolve (like a recipient, catch-alls included) to an entry that is a
 * {@code dnmember} or matches a {@code filtermember}; when any {@code *sender} attribute exists,
 * those replace the members. Trusts the sender only to be a string. Thread-safe.
 */
public final class LdapMailGroups implements MailGroups {

    private static final Logger log = LoggerFactory.getLogger(LdapMailGroups.class);

    private final LdapDirectory directory;
    private final RecipientResolver resolver;
    private final GroupExpander expander;

    /** @param resolver finds the sender's entry, the way recipients are found */
    public LdapMailGroups(LdapDirectory directory, RecipientResolver resolver) {
        this.directory = directory;
        this.resolver = resolver;
        this.expander = new GroupExpander(directory.settings());
    }

    @Override
    public CompletionStage<GroupExpansion> expand(MailGroup group) {
        return directory.submit(ldap -> expandOn(ldap, group))
                .exceptionally(e -> new GroupExpansion.TempFail(reasonFor(group, e), false))
                .minimalCompletionStage();
    }

    private GroupExpansion expandOn(LDAPInterface ldap, MailGroup group) throws LDAPException {
        try {
            return expander.expand(ldap, group);
        } catch (GroupExpander.BadGroupException e) {
            log.error("group {}: {}", group.dn(), e.getMessage());
            return new GroupExpansion.TempFail(e.getMessage(), true);
        }
    }

    @Override
    public CompletionStage<PostingDecision> mayPost(MailGroup group, String sender) {
        if (!group.membersOnly()) {
            return done(new PostingDecision.Allowed("open group"));
        }
        String kind = group.hasSenders() ? "sender" : "member";
        if (sender.isEmpty()) {
            return done(new PostingDecision.Refused("the null sender is no " + kind));
        }
        if (containsIgnoringCase(group.rfc822Posters(), sender)) {
            return done(new PostingDecision.Allowed("listed as rfc822" + kind));
        }
        return resolver.resolve(sender)
                .thenCompose(lookup -> byEntry(group, kind, lookup))
                .exceptionally(e -> new PostingDecision.TempFail(reasonFor(group, e), false));
    }

    // The sender's own entry: its primary mail, its DN, then each filter in base scope at its DN.
    private CompletionStage<PostingDecision> byEntry(MailGroup group, String kind, Lookup lookup) {
        if (lookup instanceof Lookup.TempFail tf) {
            return done(new PostingDecision.TempFail("sender lookup failed: " + tf.reason(), false));
        }
        if (!(lookup instanceof Lookup.Found found)) {
            return done(new PostingDecision.Refused("sender is no " + kind + " and has no directory entry"));
        }
        MailUser entry = found.user();
        if (containsIgnoringCase(group.rfc822Posters(), entry.mail())) {
            return done(new PostingDecision.Allowed("sender's entry " + entry.dn() + " is listed as rfc822" + kind));
        }
        String dn = GroupExpander.normalizedDn(entry.dn());
        if (group.dnPosters().stream().map(GroupExpander::normalizedDn).anyMatch(dn::equals)) {
            return done(new PostingDecision.Allowed("sender's entry " + entry.dn() + " is a dn" + kind));
        }
        if (group.filterPosters().isEmpty()) {
            return done(new PostingDecision.Refused("sender's entry " + entry.dn() + " is no " + kind));
        }
        String attribute = group.hasSenders() ? QmailAttributes.FILTER_SENDER : QmailAttributes.FILTER_MEMBER;
        return directory.submit(ldap -> byFilter(ldap, group, kind, attribute, entry.dn()));
    }

    private PostingDecision byFilter(LDAPInterface ldap, MailGroup group, String kind, String attribute,
            String senderDn) throws LDAPException {
        try {
            for (String filter : group.filterPosters()) {
                if (expander.matches(ldap, senderDn, group.dn(), attribute, filter)) {
                    return new PostingDecision.Allowed("sender's entry " + senderDn + " matches " + attribute + " " + filter);
                }
            }
            return new PostingDecision.Refused("sender's entry " + senderDn + " is no " + kind);
        } catch (GroupExpander.BadGroupException e) {
            log.error("group {}: {}", group.dn(), e.getMessage());
            return new PostingDecision.TempFail(e.getMessage(), true);
        }
    }

    private static boolean containsIgnoringCase(List<String> addresses, String address) {
        return addresses.stream().anyMatch(address::equalsIgnoreCase);
    }

    private static <T> CompletionStage<T> done(T value) {
        return CompletableFuture.completedFuture(value);
    }

    private static String reasonFor(MailGroup group, Throwable e) {
        Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
        if (cause instanceof RejectedExecutionException) {
            return "directory busy or closed";
        }
        String reason = cause instanceof LDAPException ldap
                ? "directory error: " + ldap.getResultCode().getName()
                : "directory error: " + cause.getClass().getSimpleName();
        log.warn("group {}: {} ({})", group.dn(), reason, cause.getMessage());
        return reason;
    }
}
