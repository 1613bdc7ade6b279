package org.dirmail.mta.delivery;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Finds and reads the {@code .qmail} file for one delivery (qmail-ldap.md §3.3, §11.6):
 * {@code .qmail} for the bare address, else {@code .qmail-EXT} with the {@code -default}
 * fallbacks, and keeps the lines the entry's {@link DotQmailRules} allow. The file and the
 * extension are hostile: no symbolic links, no group- or world-writable file, bounded size, every
 * path under the mail root ({@link DotQmail}).
 */
final class DotQmailDelivery {

    private final Path mailRoot;

    DotQmailDelivery(Path mailRoot) {
        this.mailRoot = mailRoot;
    }

    /** Why the file cannot be obeyed now: the outcome to report for the recipient. */
    static final class RefusedException extends Exception {
        private static final long serialVersionUID = 1L;
        private final transient DeliveryOutcome outcome;

        RefusedException(DeliveryOutcome outcome) {
            super(outcome.detail());
            this.outcome = outcome;
        }

        DeliveryOutcome outcome() {
            return outcome;
        }
    }

    /**
     * The file's steps the rules allow, in order; empty when there is no file or it is empty, which
     * means the default delivery (an all-comment file instead gives an empty list: discard).
     */
    Optional<List<DeliveryStep>> steps(DotQmailRules rules) throws RefusedException {
        Optional<Path> file = find(rules);
        if (file.isEmpty()) {
            if (rules.dotOnly() && !rules.extension().isEmpty()) {
                // §3.3: in dotonly mode an extension without its .qmail file has no mailbox.
                throw new RefusedException(new DeliveryOutcome.Failed("5.1.1", "no mailbox here by that name"));
            }
            return Optional.empty();
        }
        byte[] content = read(file.get());
        if (content.length == 0) {
            return Optional.empty();
        }
        List<DeliveryStep> parsed;
        try {
            parsed = DotQmail.parse(file.get().toString(), content, rules.home(), mailRoot);
        } catch (DotQmail.MalformedException e) {
            throw new RefusedException(new DeliveryOutcome.Deferred("4.3.5", e.getMessage()));
        }
        List<DeliveryStep> allowed = new ArrayList<>();
        for (DeliveryStep step : parsed) {
            if (allows(rules, step, file.get())) {
                allowed.add(step);
            }
        }
        if (allowed.isEmpty() && !parsed.isEmpty()) {
            throw new RefusedException(new DeliveryOutcome.Deferred("4.3.5", "every line of " + file.get()
                    + " is switched off (deliveryMode or allow_programs): nothing to deliver to"));
        }
        return Optional.of(allowed);
    }

    private static boolean allows(DotQmailRules rules, DeliveryStep step, Path file) throws RefusedException {
        if (step instanceof DeliveryStep.Forward) {
            return rules.forwards();
        }
        if (rules.forwardOnly()) {
            // qmail-ldap: "Uh-oh: user has file delivery but is not allowed to. (#4.7.0)"
            throw new RefusedException(new DeliveryOutcome.Deferred("4.7.0", file
                    + " has a file or program line but deliveryMode is forwardonly"));
        }
        return step instanceof DeliveryStep.Program ? rules.programs() : rules.files();
    }

    // qmail-local's search: .qmail-a-b-c, .qmail-a-b-default, .qmail-a-default, .qmail-default.
    private Optional<Path> find(DotQmailRules rules) throws RefusedException {
        if (rules.extension().isEmpty()) {
            return existing(rules.home().resolve(".qmail"));
        }
        // Dots become ':' and case is folded, as qmail-local does; an extension that could name
        // another directory or carries controls only reaches .qmail-default.
        String ext = rules.extension().toLowerCase(Locale.ROOT).replace('.', ':');
        List<String> names = new ArrayList<>();
        if (ext.chars().allMatch(c -> c > ' ' && c < 0x7f && c != '/')) {
            names.add(".qmail-" + ext);
            for (int dash = ext.lastIndexOf('-'); dash > 0; dash = ext.lastIndexOf('-', dash - 1)) {
                names.add(".qmail-" + ext.substring(0, dash) + "-default");
            }
        }
        names.add(".qmail-default");
        for (String name : names) {
            Optional<Path> file = existing(rules.home().resolve(name));
            if (file.isPresent()) {
                return file;
            }
        }
        return Optional.empty();
    }

    private static Optional<Path> existing(Path file) throws RefusedException {
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new RefusedException(new DeliveryOutcome.Deferred("4.3.0", "cannot read " + file + ": " + e));
        }
        if (!attributes.isRegularFile()) {
            // A link could point anywhere; qmail-local refuses what the user does not own.
            throw new RefusedException(new DeliveryOutcome.Deferred("4.3.5", file + " is not a regular file"));
        }
        return Optional.of(file);
    }

    private static byte[] read(Path file) throws RefusedException {
        try {
            if (isWritableByOthers(file)) {
                // qmail-local: "Uh-oh: .qmail file is writable. (#4.7.0)"
                throw new RefusedException(new DeliveryOutcome.Deferred("4.7.0", file
                        + " is writable by group or others"));
            }
            try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
                byte[] content = in.readNBytes(DotQmail.MAX_BYTES + 1);
                if (content.length > DotQmail.MAX_BYTES) {
                    throw new RefusedException(new DeliveryOutcome.Deferred("4.3.5", file + " is larger than "
                            + DotQmail.MAX_BYTES + " bytes"));
                }
                return content;
            }
        } catch (IOException e) {
            throw new RefusedException(new DeliveryOutcome.Deferred("4.3.0", "cannot read " + file + ": " + e));
        }
    }

    private static boolean isWritableByOthers(Path file) throws IOException {
        try {
            var permissions = Files.readAttributes(file, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
                    .permissions();
            return permissions.contains(PosixFilePermission.GROUP_WRITE)
                    || permissions.contains(PosixFilePermission.OTHERS_WRITE);
        } catch (UnsupportedOperationException e) {
            return false; // no POSIX permissions on this file system
        }
    }
}
