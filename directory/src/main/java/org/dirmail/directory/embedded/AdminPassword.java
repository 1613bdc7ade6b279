package org.dirmail.directory.embedded;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.EnumSet;
import java.util.Set;

import org.apache.directory.api.ldap.model.constants.LdapSecurityConstants;
import org.apache.directory.api.ldap.model.entry.Attribute;
import org.apache.directory.api.ldap.model.entry.DefaultModification;
import org.apache.directory.api.ldap.model.entry.ModificationOperation;
import org.apache.directory.api.ldap.model.entry.Value;
import org.apache.directory.api.ldap.model.exception.LdapException;
import org.apache.directory.api.ldap.model.name.Dn;
import org.apache.directory.api.ldap.model.password.PasswordUtil;
import org.apache.directory.server.core.api.DirectoryService;

/**
 * The directory admin's password: random, kept in clear only in a 0600 file beside the instance
 * (for {@code ldapmodify -y}) and as an {SSHA512} hash in {@code uid=admin,ou=system}. It trusts
 * the file only when no one but its owner can read or write it.
 */
final class AdminPassword {

    private static final Set<PosixFilePermission> OWNER_ONLY =
            EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
    private static final int RANDOM_BYTES = 18; // 24 base64url characters, 144 bits

    private AdminPassword() {
    }

    /** Reads the password file, or creates it with a fresh random password if it does not exist. */
    static String loadOrCreate(Path file) throws IOException {
        if (Files.exists(file)) {
            return read(file);
        }
        byte[] random = new byte[RANDOM_BYTES];
        new SecureRandom().nextBytes(random);
        String password = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        writeAtomically(file, password);
        return password;
    }

    /** Stores the password's hash on the admin entry unless the stored value already matches it. */
    static void apply(DirectoryService ds, String password) throws LdapException {
        Dn adminDn = new Dn(ds.getSchemaManager(), EmbeddedDirectory.ADMIN_DN);
        Attribute stored = ds.getAdminSession().lookup(adminDn, "userPassword").get("userPassword");
        byte[] credentials = password.getBytes(StandardCharsets.UTF_8);
        if (stored != null) {
            for (Value value : stored) {
                if (PasswordUtil.compareCredentials(credentials, value.getBytes())) {
                    return;
                }
            }
        }
        // Replacing also removes ApacheDS's well-known default 'secret'.
        ds.getAdminSession().modify(adminDn, new DefaultModification(ModificationOperation.REPLACE_ATTRIBUTE,
                "userPassword", PasswordUtil.createStoragePassword(credentials,
                        LdapSecurityConstants.HASH_METHOD_SSHA512)));
    }

    private static String read(Path file) throws IOException {
        Set<PosixFilePermission> mode = Files.getPosixFilePermissions(file);
        if (!OWNER_ONLY.containsAll(mode)) {
            throw new IOException(file + " is accessible to group or others ("
                    + PosixFilePermissions.toString(mode) + "); run chmod 600 on it");
        }
        String password = Files.readString(file, StandardCharsets.UTF_8);
        if (password.isEmpty() || password.chars().anyMatch(c -> c == '\n' || c == '\r')) {
            throw new IOException(file + " must hold the password alone, without a newline");
        }
        return password;
    }

    /** Temp file created 0600, synced, renamed over the target, directory synced: never a partial file. */
    private static void writeAtomically(Path file, String password) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp",
                PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        try {
            try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ByteBuffer bytes = ByteBuffer.wrap(password.getBytes(StandardCharsets.UTF_8));
                while (bytes.hasRemaining()) {
                    out.write(bytes);
                }
                out.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        }
    }
}
