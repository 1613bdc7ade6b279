package org.dirmail.mta.remote;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one delivery attempt did, per recipient.
 *
 * @param perRecipient each recipient of the transaction (in its order) and its status
 * @param remoteMta    the server that gave the answers, as {@code name[address]:port}, or
 *                     {@code none} when no server was reached
 */
public record RemoteResult(Map<String, RecipientStatus> perRecipient, String remoteMta) {

    /** For results where no server was reached. */
    public static final String NO_MTA = "none";

    public RemoteResult {
        perRecipient = Collections.unmodifiableMap(new LinkedHashMap<>(perRecipient));
    }
}
