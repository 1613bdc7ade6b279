package org.dirmail.mta.remote;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Values keyed by domain the way qmail's smtproutes and Postfix's transport maps are: an exact
 * {@code example.net}, or {@code .example.net} for every name below it; the exact key wins, then
 * the longest suffix. Immutable.
 *
 * @param <T> the value type
 */
public final class DomainMap<T> {

    private final Map<String, T> entries;

    private DomainMap(Map<String, T> entries) {
        this.entries = Collections.unmodifiableMap(new LinkedHashMap<>(entries));
    }

    public static <T> DomainMap<T> empty() {
        return new DomainMap<>(Map.of());
    }

    /** Keys are lower-cased {@code domain} or {@code .domain}; values as given. */
    public static <T> DomainMap<T> of(Map<String, T> entries) {
        Map<String, T> lower = new LinkedHashMap<>();
        entries.forEach((k, v) -> lower.put(k.toLowerCase(Locale.ROOT), v));
        return new DomainMap<>(lower);
    }

    /** The value for {@code domain}: exact match first, then {@code .suffix} entries from the longest. */
    public Optional<T> lookup(String domain) {
        String d = domain.toLowerCase(Locale.ROOT);
        T exact = entries.get(d);
        if (exact != null) {
            return Optional.of(exact);
        }
        for (int dot = d.indexOf('.'); dot >= 0; dot = d.indexOf('.', dot + 1)) {
            T suffix = entries.get(d.substring(dot));
            if (suffix != null) {
                return Optional.of(suffix);
            }
        }
        return Optional.empty();
    }

    public Map<String, T> entries() {
        return entries;
    }

    public boolean isEmpty() {
        return entries.isEmpty();
    }
}
