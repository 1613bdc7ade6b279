package org.dirmail.directory.lint;

import com.unboundid.ldap.sdk.Entry;
import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.Consumer;
import org.dirmail.schema.QmailAttributes;

/**
 * The checks of one entry on its own or against the {@link AddressIndex}: account status and
 * delivery modes qmail-ldap knows, the mail store, an entry with nowhere to deliver, group members
 * that do not exist. Also collects the entry's forwards to local entries for {@link ForwardLoops}.
 * Every value is the directory's and untrusted; nothing here throws on odd data, it reports it.
 */
final class EntryChecks {

    /** The attributes the checks read. */
    static final String[] ATTRIBUTES = {
        QmailAttributes.OBJECT_CLASS, QmailAttributes.ACCOUNT_STATUS, QmailAttributes.DELIVERY_MODE,
        QmailAttributes.MAIL_MESSAGE_STORE, QmailAttributes.MAIL_FORWARDING_ADDRESS,
        QmailAttributes.RFC822_MEMBER, QmailAttributes.DN_MEMBER,
    };

    // qmail-ldap.md §3.1 and §3.2: the values qmail-ldap acts on.
    private static final List<String> DELIVERY_MODES = List.of("nolocal", "nombox", "noforward", "noprogram", "reply", "forwardonly");
    private static final List<String> ACCOUNT_STATUSES = List.of("active", "noaccess", "disabled", "deleted");
    private static final Set<String> NO_LOCAL = Set.of("nolocal", "nombox", "forwardonly");

    private final AddressIndex index;
    private final LintRules rules;
    private final ForwardLoops loops;

    EntryChecks(AddressIndex index, LintRules rules, ForwardLoops loops) {
        this.index = index;
        this.rules = rules;
        this.loops = loops;
    }

    /** Reports every problem of {@code entry} and records its local forwards. */
    void check(Entry entry, Consumer<Finding> findings) {
        String dn = entry.getDN();
        String status = accountStatus(entry, findings);
        List<String> modes = deliveryModes(entry, findings);
        boolean group = entry.hasObjectClass(QmailAttributes.QMAIL_GROUP);
        // A store that is set but wrong is reported by store(), not again as "no mailbox".
        boolean mailbox = store(entry, findings) && modes.stream().noneMatch(NO_LOCAL::contains);
        List<String> forwards = group || modes.contains("noforward") ? List.of() : values(entry, QmailAttributes.MAIL_FORWARDING_ADDRESS);
        boolean receives = !status.equals("disabled") && !status.equals("deleted");
        if (!group && receives && !mailbox && forwards.isEmpty()) {
            findings.accept(new Finding(dn, "neither a mailbox nor a forwarding address: every delivery defers (4.3.5)",
                    "add a mailMessageStore (and drop deliveryMode nolocal/forwardonly) or a mailForwardingAddress"));
        }
        if (group) {
            members(entry, findings);
        } else {
            recordForwards(dn, forwards);
        }
    }

    // Missing is active; an unknown value silently counts as active too, which hides typos such as "disable".
    private static String accountStatus(Entry entry, Consumer<Finding> findings) {
        List<String> values = values(entry, QmailAttributes.ACCOUNT_STATUS);
        if (values.size() > 1) {
            findings.accept(new Finding(entry.getDN(), "accountStatus has " + values.size()
                    + " values but is single-valued: every lookup defers", "keep one accountStatus value"));
            return "active";
        }
        String value = values.isEmpty() ? "active" : values.get(0).trim().toLowerCase(Locale.ROOT);
        if (!ACCOUNT_STATUSES.contains(value)) {
            findings.accept(new Finding(entry.getDN(), "accountStatus '" + values.get(0)
                    + "' is unknown and counts as active", "use one of " + String.join(", ", ACCOUNT_STATUSES)));
            return "active";
        }
        return value;
    }

    private static List<String> deliveryModes(Entry entry, Consumer<Finding> findings) {
        List<String> modes = values(entry, QmailAttributes.DELIVERY_MODE).stream()
                .map(mode -> mode.trim().toLowerCase(Locale.ROOT)).toList();
        for (String mode : modes) {
            if (!DELIVERY_MODES.contains(mode)) {
                // qmail-ldap.md §3.1: "nombox,reply" is one unknown value, not two modes.
                String hint = mode.contains(",") ? " (one value per mode, not comma-separated)" : "";
                findings.accept(new Finding(entry.getDN(), "deliveryMode '" + mode + "' is unknown and ignored",
                        "use " + String.join(", ", DELIVERY_MODES) + hint));
            }
        }
        return modes;
    }

    /** Reports a store delivery would refuse; true when the entry has a store at all. */
    private boolean store(Entry entry, Consumer<Finding> findings) {
        List<String> stores = values(entry, QmailAttributes.MAIL_MESSAGE_STORE);
        if (stores.size() > 1) {
            findings.accept(new Finding(entry.getDN(), "mailMessageStore has " + stores.size()
                    + " values but is single-valued: every lookup defers", "keep one mailMessageStore value"));
        } else if (stores.size() == 1) {
            rules.storeRule().problem(stores.get(0)).ifPresent(problem -> findings.accept(new Finding(entry.getDN(),
                    problem + ": local delivery defers (4.3.5)",
                    "use a Maildir path relative to the mail root, ending in /, e.g. example.com/<uid>/Maildir/")));
        }
        return !stores.isEmpty();
    }

    // Only local members can be checked; remote ones are the remote server's business.
    private void members(Entry entry, Consumer<Finding> findings) {
        String dn = entry.getDN();
        for (String member : values(entry, QmailAttributes.RFC822_MEMBER)) {
            if (rules.isLocal(member) && index.resolve(member, rules.addresses()).isEmpty()) {
                findings.accept(new Finding(dn, "rfc822member " + member + " matches no entry: each group mail bounces for it",
                        "remove rfc822member " + member + " or create its entry"));
            }
        }
        for (String member : values(entry, QmailAttributes.DN_MEMBER)) {
            if (!AddressIndex.isDn(member)) {
                findings.accept(new Finding(dn, "dnmember '" + member + "' is not a DN", "remove it or correct it"));
            } else if (index.entry(member).isEmpty()) {
                findings.accept(new Finding(dn, "dnmember " + member + " is no entry with a mail address: it is skipped",
                        "remove dnmember " + member + " or give that entry a mail address"));
            }
        }
    }

    private void recordForwards(String dn, List<String> forwards) {
        OptionalInt from = index.entry(dn);
        if (from.isEmpty()) {
            return; // added after the address scan: its addresses are unknown, so its loops are too
        }
        for (String forward : forwards) {
            if (rules.isLocal(forward)) {
                index.resolve(forward, rules.addresses()).ifPresent(to -> loops.add(from.getAsInt(), to));
            }
        }
    }

    private static List<String> values(Entry entry, String attribute) {
        String[] values = entry.getAttributeValues(attribute);
        return values == null ? List.of() : List.of(values);
    }
}
