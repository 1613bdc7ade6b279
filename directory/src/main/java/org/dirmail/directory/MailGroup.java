package org.dirmail.directory;

import java.util.List;

/**
 * The qmailGroup side of an entry (qmail-ldap.md §1.3, §8.1): who the members are, who may post,
 * where member bounces go. Values come from the directory and are not trusted: addresses are
 * checked before they enter an envelope, filters are parsed before they are sent.
 *
 * @param dn               the group entry's DN
 * @param rfc822Members    {@code rfc822member}: literal member addresses
 * @param dnMembers        {@code dnmember}: entries whose {@code mail} is a member
 * @param filterMembers    {@code filtermember}: LDAP filters whose hits' {@code mail} are members
 * @param membersOnly      {@code membersonly}: only members (or the listed senders) may post
 * @param rfc822Senders    {@code rfc822sender}: allowed posters, by address
 * @param dnSenders        {@code dnsender}: allowed posters, by entry
 * @param filterSenders    {@code filtersender}: allowed posters, by filter
 * @param bounceAdmins     {@code bounceadmin}: where members' delivery errors go
 * @param senderConfirm    {@code senderconfirm}: qmail-secretary's sender confirmation (not done by dirmail)
 * @param moderators       {@code rfc822moderator} and {@code dnmoderator} values (moderation is not done by dirmail)
 */
public record MailGroup(
        String dn,
        List<String> rfc822Members,
        List<String> dnMembers,
        List<String> filterMembers,
        boolean membersOnly,
        List<String> rfc822Senders,
        List<String> dnSenders,
        List<String> filterSenders,
        List<String> bounceAdmins,
        boolean senderConfirm,
        List<String> moderators) {

    public MailGroup {
        rfc822Members = List.copyOf(rfc822Members);
        dnMembers = List.copyOf(dnMembers);
        filterMembers = List.copyOf(filterMembers);
        rfc822Senders = List.copyOf(rfc822Senders);
        dnSenders = List.copyOf(dnSenders);
        filterSenders = List.copyOf(filterSenders);
        bounceAdmins = List.copyOf(bounceAdmins);
        moderators = List.copyOf(moderators);
    }

    /**
     * qmail-group's rule: when any sender attribute exists, the senders replace the members for
     * the members-only check.
     */
    public boolean hasSenders() {
        return !rfc822Senders.isEmpty() || !dnSenders.isEmpty() || !filterSenders.isEmpty();
    }

    /** The addresses allowed to post by address: the senders when any sender is listed, else the members. */
    public List<String> rfc822Posters() {
        return hasSenders() ? rfc822Senders : rfc822Members;
    }

    /** The entries allowed to post by DN. */
    public List<String> dnPosters() {
        return hasSenders() ? dnSenders : dnMembers;
    }

    /** The filters whose hits may post. */
    public List<String> filterPosters() {
        return hasSenders() ? filterSenders : filterMembers;
    }

    /** True when qmail-ldap would hand the message to qmail-secretary first (confirmation or moderation). */
    public boolean needsSecretary() {
        return senderConfirm || !moderators.isEmpty();
    }
}
