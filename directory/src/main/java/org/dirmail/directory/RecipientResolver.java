package org.dirmail.directory;

import java.util.concurrent.CompletionStage;

/**
 * Resolves a recipient address against the directory, qmail-ldap style: the exact address
 * ({@code mail} or {@code mailAlternateAddress}), the address without its {@code +extension},
 * the dash-extension catch-alls, then {@code catchall@domain}; alias domains mapped first.
 *
 * <p>Implementations never block the caller: the answer completes on a directory thread, and the
 * returned stage never completes exceptionally (failures are {@link Lookup.TempFail}).
 */
public interface RecipientResolver {

    /** Resolves {@code address} (already syntax-checked {@code local@domain}). */
    CompletionStage<Lookup> resolve(String address);
}
