package org.dirmail.directory.lint;

import com.unboundid.ldap.sdk.DN;
import com.unboundid.ldap.sdk.LDAPException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.Consumer;
import org.dirmail.directory.ldap.RecipientCandidates;
import org.dirmail.directory.ldap.ResolutionRules;

/**
 * The one thing the linter keeps in memory: every address ({@code mail} and
 * {@code mailAlternateAddress}, lower case) and every entry DN, each mapped to a small entry
 * number. Adding an address another entry already holds is a finding: the resolver would find
 * two entries and defer (451) or bounce (5.3.5). Not thread-safe; filled by one scan.
 */
final class AddressIndex {

    // address -> entry number << 1 | 1 when it is a mailAlternateAddress.
    private final Map<String, Integer> addresses = new HashMap<>();
    private final List<String> dns = new ArrayList<>();
    private final Map<String, Integer> byDn = new HashMap<>();

    /** Adds one entry's addresses, reporting each it shares with an entry added before. */
    void add(String dn, String[] mail, String[] alternates, Consumer<Finding> findings) {
        int id = dns.size();
        dns.add(dn);
        byDn.putIfAbsent(normalized(dn), id);
        Set<String> own = new HashSet<>();
        for (String address : mail) {
            put(id, address, false, own, findings);
        }
        for (String address : alternates) {
            put(id, address, true, own, findings);
        }
    }

    /** The entry {@code address} resolves to as the resolver walks its candidates, if any. */
    OptionalInt resolve(String address, ResolutionRules rules) {
        for (RecipientCandidates.Candidate candidate : RecipientCandidates.of(address, rules)) {
            Integer packed = addresses.get(candidate.address());
            if (packed != null) {
                return OptionalInt.of(packed >>> 1);
            }
        }
        return OptionalInt.empty();
    }

    /** The entry number of {@code dn}, compared as LDAP compares DNs; empty for no mail entry. */
    OptionalInt entry(String dn) {
        Integer id = byDn.get(normalized(dn));
        return id == null ? OptionalInt.empty() : OptionalInt.of(id);
    }

    /** The DN of entry {@code id} as the directory returned it. */
    String dn(int id) {
        return dns.get(id);
    }

    /** How many entries were added. */
    int size() {
        return dns.size();
    }

    /** True when {@code dn} parses as a DN. */
    static boolean isDn(String dn) {
        return DN.isValidDN(dn);
    }

    private void put(int id, String value, boolean alternate, Set<String> own, Consumer<Finding> findings) {
        String address = value.trim().toLowerCase(Locale.ROOT);
        if (address.isEmpty() || !own.add(address)) {
            return; // sales@ as both mail and mailAlternateAddress of one group is fine
        }
        Integer previous = addresses.putIfAbsent(address, id << 1 | (alternate ? 1 : 0));
        if (previous == null) {
            return;
        }
        String other = dns.get(previous >>> 1);
        boolean previousAlternate = (previous & 1) == 1;
        String here = dns.get(id);
        if (alternate && !previousAlternate) {
            findings.accept(new Finding(here, "mailAlternateAddress " + address + " shadows the mail of " + other
                    + " (lookups find two entries: 451 at SMTP, 5.3.5 at delivery)",
                    "remove mailAlternateAddress " + address + " from this entry"));
        } else if (!alternate && previousAlternate) {
            findings.accept(new Finding(other, "mailAlternateAddress " + address + " shadows the mail of " + here
                    + " (lookups find two entries: 451 at SMTP, 5.3.5 at delivery)",
                    "remove mailAlternateAddress " + address + " from this entry"));
        } else {
            String attribute = alternate ? "mailAlternateAddress" : "mail";
            findings.accept(new Finding(here, attribute + " " + address + " is also held by " + other
                    + " (lookups find two entries: 451 at SMTP, 5.3.5 at delivery)",
                    "keep " + address + " on one entry only"));
        }
    }

    // DNs compare case- and space-insensitively (RFC 4514); an unparsable one stays as it is.
    private static String normalized(String dn) {
        try {
            return new DN(dn).toNormalizedString();
        } catch (LDAPException e) {
            return dn;
        }
    }
}
