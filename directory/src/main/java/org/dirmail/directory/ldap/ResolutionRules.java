package org.dirmail.directory.ldap;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * How an address becomes candidates (qmail-ldap.md §2.2, §2.3): the recipient delimiter
 * ({@code alice+tag}), the dash-extension separator ({@code a-b-c} → {@code a-b-catchall}) and
 * the domain aliases applied before every search. Validated once, here; immutable.
 *
 * @param recipientDelimiter one character that separates a user's extension ({@code +}), or
 *                           empty for none
 * @param dashSeparator      one character for qmail-ldap's dash extensions (qmail's
 *                           {@code conf-break}, {@code -}), or empty for none
 * @param aliasDomains       alias domain → real domain, lower case; the real domain replaces
 *                           the alias in every search (qmail-ldap's {@code aliasdomains})
 */
public record ResolutionRules(String recipientDelimiter, String dashSeparator, Map<String, String> aliasDomains) {

    public static final String DEFAULT_RECIPIENT_DELIMITER = "+";
    public static final String DEFAULT_DASH_SEPARATOR = "-";

    // RFC 5322 atext punctuation plus the dot: characters a local part may hold unquoted. '@',
    // quotes, backslash and white space would make the split ambiguous.
    private static final String ALLOWED_SEPARATORS = "!#$%&'*+-/=?^_`{|}~.";

    public ResolutionRules {
        recipientDelimiter = named("recipient delimiter", recipientDelimiter);
        dashSeparator = named("dash separator", dashSeparator);
        Map<String, String> aliases = new TreeMap<>();
        for (Map.Entry<String, String> alias : aliasDomains.entrySet()) {
            String from = alias.getKey().toLowerCase(Locale.ROOT);
            String to = alias.getValue().toLowerCase(Locale.ROOT);
            if (from.isEmpty() || to.isEmpty() || from.equals(to)) {
                throw new IllegalArgumentException("alias domain '" + alias.getKey() + "' must map to another, non-empty domain");
            }
            if (aliases.put(from, to) != null) {
                throw new IllegalArgumentException("alias domain '" + from + "' is mapped twice");
            }
        }
        // qmail-ldap maps once; a chain would silently depend on the order of the list.
        for (Map.Entry<String, String> alias : aliases.entrySet()) {
            if (aliases.containsKey(alias.getValue())) {
                throw new IllegalArgumentException("alias domain '" + alias.getKey() + "' maps to '"
                        + alias.getValue() + "', which is itself an alias domain");
            }
        }
        aliasDomains = Map.copyOf(aliases);
    }

    /** {@code +} as delimiter, {@code -} as dash separator, no alias domains. */
    public static ResolutionRules defaults() {
        return new ResolutionRules(DEFAULT_RECIPIENT_DELIMITER, DEFAULT_DASH_SEPARATOR, Map.of());
    }

    /** A copy with other alias domains. */
    public ResolutionRules withAliasDomains(Map<String, String> newAliasDomains) {
        return new ResolutionRules(recipientDelimiter, dashSeparator, newAliasDomains);
    }

    /** The real domain for {@code domain} (lower case), or {@code domain} itself when it is no alias. */
    public String realDomain(String domain) {
        String lower = domain.toLowerCase(Locale.ROOT);
        return aliasDomains.getOrDefault(lower, lower);
    }

    /**
     * Checks a delimiter or separator value: empty (none) or one character a local part may hold
     * unquoted, other than letters and digits.
     *
     * @throws IllegalArgumentException saying what is allowed
     */
    public static String separator(String value) {
        if (value == null || value.length() > 1
                || (value.length() == 1 && ALLOWED_SEPARATORS.indexOf(value.charAt(0)) < 0)) {
            throw new IllegalArgumentException("expected one of " + ALLOWED_SEPARATORS + " or nothing, got '" + value + "'");
        }
        return value;
    }

    private static String named(String name, String value) {
        try {
            return separator(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + ": " + e.getMessage(), e);
        }
    }
}
