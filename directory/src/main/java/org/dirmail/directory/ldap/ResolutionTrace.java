package org.dirmail.directory.ldap;

import java.util.ArrayList;
import java.util.List;
import org.dirmail.directory.Lookup;
import org.dirmail.directory.ldap.RecipientCandidates.Candidate;

/**
 * Everything one resolution did, for {@code dirmail lookup}: each candidate in order, the filter
 * it was searched with and how many entries came back, the candidates the walk never reached,
 * and the answer. Made by {@link LdapRecipientResolver#trace}; immutable.
 *
 * @param address  the address as given
 * @param rules    the rules the candidates came from (delimiter, separator, alias domains)
 * @param baseDn   the subtree searched
 * @param steps    the searches, in order
 * @param untried  candidates after the one that ended the walk
 * @param result   the answer the resolver gives for {@code address}
 */
public record ResolutionTrace(String address, ResolutionRules rules, String baseDn, List<Step> steps,
        List<Candidate> untried, Lookup result) {

    /** Entries counted when the server said "more than one" without sending them. */
    public static final int MANY = 2;

    /**
     * One search.
     *
     * @param candidate the address searched and why
     * @param filter    the filter as sent, RFC 4515 escaped ({@code Filter.toString()})
     * @param entries   entries returned: 0, 1, {@link #MANY} for more than one, or -1 when the
     *                  search failed
     * @param detail    the entry's DN, the failure, or a note (e.g. a base DN that does not exist)
     */
    public record Step(Candidate candidate, String filter, int entries, String detail) {
    }

    public ResolutionTrace {
        steps = List.copyOf(steps);
        untried = List.copyOf(untried);
    }

    /** The trace as lines of text, the way {@code dirmail lookup} prints it. */
    public List<String> describe() {
        List<String> lines = new ArrayList<>();
        lines.add("address:     " + address);
        int at = address.lastIndexOf('@');
        if (at > 0) {
            String domain = address.substring(at + 1);
            String real = rules.realDomain(domain);
            if (!real.equalsIgnoreCase(domain)) {
                lines.add("domain:      " + domain + " is an alias of " + real + " (alias_domains)");
            }
        }
        if (steps.isEmpty() && untried.isEmpty()) {
            lines.add("search:      none (the address holds control or format characters)");
        } else {
            lines.add("search:      base \"" + baseDn + "\", scope sub, one search per candidate");
        }
        int number = 1;
        for (Step step : steps) {
            lines.add("candidate " + number++ + ": " + step.candidate().address() + " (" + why(step.candidate()) + ")");
            lines.add("  filter:    " + step.filter());
            lines.add("  result:    " + outcome(step));
        }
        for (Candidate candidate : untried) {
            lines.add("candidate " + number++ + ": " + candidate.address() + " (" + why(candidate)
                    + "): not searched, the walk stopped");
        }
        return lines;
    }

    private String why(Candidate candidate) {
        switch (candidate.kind()) {
            case EXACT:
                return "the address";
            case DELIMITER:
                return "without the extension after '" + rules.recipientDelimiter() + "', extension \""
                        + candidate.extension() + "\"";
            case DASH:
                return "dash extension catch-all, extension \"" + candidate.extension() + "\"";
            default:
                return "the domain catch-all, extension \"" + candidate.extension() + "\"";
        }
    }

    private static String outcome(Step step) {
        if (step.entries() < 0) {
            return "search failed: " + step.detail() + "; the walk stops (temporary failure)";
        }
        if (step.entries() == 0) {
            return "0 entries" + (step.detail().isEmpty() ? "" : " (" + step.detail() + ")") + ": next candidate";
        }
        if (step.entries() == 1) {
            return "1 entry: " + step.detail();
        }
        return "more than one entry: ambiguous, the walk stops";
    }
}
