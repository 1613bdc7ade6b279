package org.dirmail.directory.ldap;

import com.unboundid.ldap.sdk.DN;
import com.unboundid.ldap.sdk.DereferencePolicy;
import com.unboundid.ldap.sdk.Filter;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.LDAPInterface;
import com.unboundid.ldap.sdk.LDAPSearchException;
import com.unboundid.ldap.sdk.ResultCode;
import com.unboundid.ldap.sdk.SearchRequest;
import com.unboundid.ldap.sdk.SearchResultEntry;
import com.unboundid.ldap.sdk.SearchScope;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.dirmail.directory.GroupExpansion;
import org.dirmail.directory.MailGroup;
import org.dirmail.directory.MailUser;
import org.dirmail.schema.QmailAttributes;

/**
 * Expands a group to its member addresses, live (qmail-ldap.md §8.1 step 6): every
 * {@code rfc822member}, the {@code mail} of each {@code dnmember} (base-scope read; a missing
 * entry is skipped) and of every hit of each {@code filtermember} (subtree under the base DN).
 * Unlike qmail-group it also expands a member that is itself a group, each group once (so cycles
 * end), and removes duplicate addresses. Trusts filter text only after it parses, and bounds
 * every search. Blocking: runs on a directory thread. Thread-safe (no state between calls).
 */
final class GroupExpander {

    /** Entries one {@code filtermember} may return; more is an error the admin must fix. */
    static final int FILTER_SIZE_LIMIT = 1000;
    /** Members of one expansion, nested groups included. */
    static final int MAX_MEMBERS = 10_000;
    // Addresses checked for group-ness per search: keeps the filter and the reply small.
    private static final int ADDRESSES_PER_SEARCH = 50;
    private static final String[] MAIL_ONLY = {QmailAttributes.MAIL};

    /** The group entry is at fault; the message names the attribute and the DN. */
    static final class BadGroupException extends Exception {
        private static final long serialVersionUID = 1L;

        BadGroupException(String message) {
            super(message);
        }
    }

    private final LdapSettings settings;

    GroupExpander(LdapSettings settings) {
        this.settings = settings;
    }

    /**
     * Expands {@code root}.
     *
     * @throws LDAPException      when the directory fails (a temporary failure)
     * @throws BadGroupException  when a group entry is unusable (bad filter, too many hits or members)
     */
    GroupExpansion.Members expand(LDAPInterface ldap, MailGroup root) throws LDAPException, BadGroupException {
        Map<String, String> members = new LinkedHashMap<>(); // lower case -> as stored
        Set<String> expandedGroups = new HashSet<>(List.of(normalizedDn(root.dn())));
        Map<String, MailUser> groupAddresses = new HashMap<>(); // lower case -> group entry
        Set<String> checked = new HashSet<>();
        List<String> notes = new ArrayList<>();
        Deque<MailGroup> pending = new ArrayDeque<>(List.of(root));
        int duplicates = 0;
        while (!pending.isEmpty()) {
            MailGroup group = pending.removeFirst();
            List<String> found = direct(ldap, group, notes);
            findGroups(ldap, found, checked, groupAddresses);
            for (String address : found) {
                String key = address.toLowerCase(Locale.ROOT);
                MailUser nested = groupAddresses.get(key);
                if (nested == null) {
                    if (members.putIfAbsent(key, address) != null) {
                        duplicates++;
                    } else if (members.size() > MAX_MEMBERS) {
                        throw new BadGroupException(root.dn() + " expands to more than " + MAX_MEMBERS + " members");
                    }
                } else if (!expandedGroups.add(normalizedDn(nested.dn()))) {
                    notes.add(address + ": group already expanded (a cycle or a repeat), skipped");
                } else if (!nested.accountStatus().receivesMail()) {
                    notes.add(address + ": nested group " + nested.dn() + " is "
                            + nested.accountStatus().name().toLowerCase(Locale.ROOT) + ", skipped");
                } else {
                    notes.add(address + ": nested group " + nested.dn() + ", expanded");
                    pending.add(nested.group().orElseThrow());
                }
            }
        }
        if (duplicates > 0) {
            notes.add(duplicates + " duplicate address" + (duplicates == 1 ? "" : "es") + " removed");
        }
        return new GroupExpansion.Members(List.copyOf(members.values()), notes);
    }

    // One group's own members, in attribute order: rfc822member, dnmember, filtermember.
    private List<String> direct(LDAPInterface ldap, MailGroup group, List<String> notes)
            throws LDAPException, BadGroupException {
        List<String> found = new ArrayList<>(group.rfc822Members());
        for (String dn : group.dnMembers()) {
            SearchResultEntry entry = readEntry(ldap, dn);
            String mail = entry == null ? null : entry.getAttributeValue(QmailAttributes.MAIL);
            if (mail == null) {
                notes.add("dnmember " + dn + ": " + (entry == null ? "no such entry" : "no mail") + ", skipped");
            } else {
                found.add(mail);
            }
        }
        for (String text : group.filterMembers()) {
            found.addAll(filterHits(ldap, group.dn(), QmailAttributes.FILTER_MEMBER, text));
        }
        return found;
    }

    /** The first {@code mail} of every entry {@code text} matches under the base DN. */
    List<String> filterHits(LDAPInterface ldap, String groupDn, String attribute, String text)
            throws LDAPException, BadGroupException {
        Filter filter = parse(groupDn, attribute, text);
        List<SearchResultEntry> entries;
        try {
            entries = ldap.search(request(settings.baseDn(), SearchScope.SUB, FILTER_SIZE_LIMIT, filter, MAIL_ONLY))
                    .getSearchEntries();
        } catch (LDAPSearchException e) {
            if (e.getResultCode() == ResultCode.SIZE_LIMIT_EXCEEDED) {
                throw new BadGroupException(attribute + " " + text + " in " + groupDn + " matches more than "
                        + FILTER_SIZE_LIMIT + " entries");
            }
            throw e;
        }
        List<String> mails = new ArrayList<>();
        for (SearchResultEntry entry : entries) {
            String mail = entry.getAttributeValue(QmailAttributes.MAIL);
            if (mail != null) {
                mails.add(mail);
            }
        }
        return mails;
    }

    /** True when the entry at {@code dn} matches {@code text} (a base-scope search). */
    boolean matches(LDAPInterface ldap, String dn, String groupDn, String attribute, String text)
            throws LDAPException, BadGroupException {
        Filter filter = parse(groupDn, attribute, text);
        try {
            return ldap.search(request(dn, SearchScope.BASE, 1, filter, new String[] {"1.1"})).getEntryCount() > 0;
        } catch (LDAPSearchException e) {
            if (e.getResultCode() == ResultCode.NO_SUCH_OBJECT) {
                return false;
            }
            throw e;
        }
    }

    // Which of these addresses (not seen before) belong to a group entry, in a few searches.
    private void findGroups(LDAPInterface ldap, List<String> addresses, Set<String> checked,
            Map<String, MailUser> groupAddresses) throws LDAPException, BadGroupException {
        List<String> fresh = addresses.stream().map(a -> a.toLowerCase(Locale.ROOT)).distinct()
                .filter(checked::add).toList();
        String[] attributes = Stream.concat(Stream.of(MailUserMapper.attributes()),
                Stream.of(QmailAttributes.MAIL_ALTERNATE_ADDRESS)).toArray(String[]::new);
        for (int from = 0; from < fresh.size(); from += ADDRESSES_PER_SEARCH) {
            List<String> chunk = fresh.subList(from, Math.min(fresh.size(), from + ADDRESSES_PER_SEARCH));
            Filter filter = QmailFilters.groupsByAddress(chunk);
            for (SearchResultEntry entry : ldap.search(request(settings.baseDn(), SearchScope.SUB,
                    FILTER_SIZE_LIMIT, filter, attributes)).getSearchEntries()) {
                MailUser group;
                try {
                    group = MailUserMapper.map(entry);
                } catch (MailUserMapper.InvalidEntryException e) {
                    throw new BadGroupException(e.getMessage());
                }
                Stream.of(QmailAttributes.MAIL, QmailAttributes.MAIL_ALTERNATE_ADDRESS)
                        .map(entry::getAttributeValues)
                        .filter(values -> values != null)
                        .flatMap(Stream::of)
                        .map(value -> value.toLowerCase(Locale.ROOT))
                        .filter(chunk::contains)
                        .forEach(address -> groupAddresses.putIfAbsent(address, group));
            }
        }
    }

    private SearchResultEntry readEntry(LDAPInterface ldap, String dn) throws LDAPException {
        try {
            List<SearchResultEntry> entries = ldap.search(
                    request(dn, SearchScope.BASE, 1, QmailFilters.anyEntry(), MAIL_ONLY)).getSearchEntries();
            return entries.isEmpty() ? null : entries.get(0);
        } catch (LDAPSearchException e) {
            // qmail-group skips member entries that are gone; a malformed DN is just as absent.
            if (e.getResultCode() == ResultCode.NO_SUCH_OBJECT || e.getResultCode() == ResultCode.INVALID_DN_SYNTAX) {
                return null;
            }
            throw e;
        }
    }

    private static Filter parse(String groupDn, String attribute, String text) throws BadGroupException {
        try {
            return QmailFilters.fromDirectory(text);
        } catch (LDAPException e) {
            throw new BadGroupException(attribute + " in " + groupDn + " is no valid LDAP filter: " + text);
        }
    }

    private SearchRequest request(String base, SearchScope scope, int sizeLimit, Filter filter, String[] attributes) {
        long millis = settings.responseTimeout().toMillis();
        int seconds = (int) Math.min(Integer.MAX_VALUE, Math.max(1, (millis + 999) / 1000));
        SearchRequest request = new SearchRequest(base, scope, DereferencePolicy.NEVER, sizeLimit, seconds, false,
                filter, attributes);
        request.setResponseTimeoutMillis(millis);
        return request;
    }

    // DNs from different attributes may differ in case and spacing; compare them parsed.
    static String normalizedDn(String dn) {
        try {
            return new DN(dn).toNormalizedString();
        } catch (LDAPException e) {
            return dn.toLowerCase(Locale.ROOT);
        }
    }
}
