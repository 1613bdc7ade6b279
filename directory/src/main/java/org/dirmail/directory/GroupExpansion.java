package org.dirmail.directory;

import java.util.List;

/** A group's members, read live from the directory (qmail-ldap.md §8.1 step 6), or why not now. */
public sealed interface GroupExpansion permits GroupExpansion.Members, GroupExpansion.TempFail {

    /**
     * The expansion.
     *
     * @param addresses every member address, nested groups replaced by their members, each once
     *                  (compared case-insensitively), in the order found; as stored, not yet
     *                  checked for syntax
     * @param notes     what the expansion skipped or merged (nested groups, cycles, duplicates,
     *                  missing member entries), for logs and {@code dirmail lookup}
     */
    record Members(List<String> addresses, List<String> notes) implements GroupExpansion {

        public Members {
            addresses = List.copyOf(addresses);
            notes = List.copyOf(notes);
        }
    }

    /**
     * No answer now.
     *
     * @param reason  for logs and the deferral
     * @param badData true when a group entry is at fault (an unparsable filter, too many hits),
     *                false when the directory failed
     */
    record TempFail(String reason, boolean badData) implements GroupExpansion {
    }
}
