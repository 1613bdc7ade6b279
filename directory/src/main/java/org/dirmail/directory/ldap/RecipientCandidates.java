package org.dirmail.directory.ldap;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.dirmail.schema.QmailAttributes;

/**
 * The addresses searched for one recipient, in order (qmail-ldap.md §2.3 with {@code DASH_EXT}):
 * the exact address; the address without its recipient-delimiter extension; the dash-extension
 * catch-alls, deepest first, at most {@value #DASH_EXT_LEVELS} levels; {@code catchall@domain}.
 * The domain is the real one when it is an alias domain. Trusts the address only to be a string.
 *
 * <p>The delimiter candidate comes second, before any catch-all, because a user's own mailbox
 * is more specific than a wildcard: {@code alice+tag@example.org} reaches alice even though
 * example.org has a catch-all (Postfix's order too). The exact address stays first so an entry
 * that really holds {@code alice+tag@} wins, as qmail-ldap would find it. Dash candidates are cut
 * from the whole local part, extension included, so the extension survives in {@code $EXT}.
 */
public final class RecipientCandidates {

    /** qmail-ldap's {@code DASH_EXT_LEVELS}: how many separators deep the dash walk goes. */
    public static final int DASH_EXT_LEVELS = 4;

    /** Why an address is a candidate. */
    public enum Kind {
        /** The address as given (domain aliases applied). */
        EXACT,
        /** The address without the recipient delimiter and what follows it. */
        DELIMITER,
        /** A dash-extension catch-all such as {@code a-b-catchall@domain}. */
        DASH,
        /** The domain's catch-all, {@code catchall@domain}. */
        CATCH_ALL
    }

    /**
     * One address to search.
     *
     * @param address   the lower-cased address the filter asserts
     * @param extension what a match leaves for delivery ({@code $EXT}): empty for the exact
     *                  address, {@code tag} for {@code alice+tag}, {@code c} for {@code a-b-c}
     *                  matched as {@code a-b-catchall}, the whole local part for the catch-all
     * @param kind      why it is a candidate
     */
    public record Candidate(String address, String extension, Kind kind) {
    }

    private RecipientCandidates() {
    }

    /**
     * The candidates for {@code address}. None for an address with control or format characters
     * (NUL, soft hyphen, zero-width space): no mail address holds one (RFC 5321 4.1.2), and LDAP
     * string preparation may delete them before matching (RFC 4518 2.2), so ApacheDS would match
     * {@code "alice@example.com\0"} to alice. An address without a domain is searched as it is.
     */
    public static List<Candidate> of(String address, ResolutionRules rules) {
        if (address.chars().anyMatch(c -> Character.isISOControl(c) || Character.getType(c) == Character.FORMAT)) {
            return List.of();
        }
        String lower = address.toLowerCase(Locale.ROOT);
        int at = lower.lastIndexOf('@');
        if (at <= 0 || at == lower.length() - 1) {
            return List.of(new Candidate(lower, "", Kind.EXACT));
        }
        String local = lower.substring(0, at);
        String domain = "@" + rules.realDomain(lower.substring(at + 1));
        // Keyed by address: the first reason to search an address wins, each is searched once.
        Map<String, Candidate> out = new LinkedHashMap<>();
        String separator = rules.dashSeparator();
        // A leading separator goes straight to the catch-all: qmail-ldap's 2022 infinite-loop fix.
        if (separator.isEmpty() || !local.startsWith(separator)) {
            add(out, local + domain, "", Kind.EXACT);
            String delimiter = rules.recipientDelimiter();
            int split = delimiter.isEmpty() ? -1 : local.indexOf(delimiter);
            if (split > 0) {
                add(out, local.substring(0, split) + domain, local.substring(split + 1), Kind.DELIMITER);
            }
            if (!separator.isEmpty()) {
                List<Integer> positions = separatorPositions(local, separator.charAt(0));
                for (int i = positions.size() - 1; i >= 0; i--) {
                    int cut = positions.get(i) + 1;
                    add(out, local.substring(0, cut) + QmailAttributes.CATCH_ALL_LOCAL_PART + domain,
                            local.substring(cut), Kind.DASH);
                }
            }
        }
        add(out, QmailAttributes.CATCH_ALL_LOCAL_PART + domain, local, Kind.CATCH_ALL);
        return List.copyOf(out.values());
    }

    /** The addresses of {@link #of}, for tests and logs. */
    public static List<String> addresses(String address, ResolutionRules rules) {
        return of(address, rules).stream().map(Candidate::address).toList();
    }

    // The first DASH_EXT_LEVELS separators from the left, as qmail-ldap's filter_mail() counts.
    private static List<Integer> separatorPositions(String local, char separator) {
        List<Integer> positions = new ArrayList<>();
        for (int i = 0; i < local.length() && positions.size() < DASH_EXT_LEVELS; i++) {
            if (local.charAt(i) == separator) {
                positions.add(i);
            }
        }
        return positions;
    }

    private static void add(Map<String, Candidate> out, String address, String extension, Kind kind) {
        out.putIfAbsent(address, new Candidate(address, extension, kind));
    }
}
