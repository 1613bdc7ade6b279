package org.dirmail.tls;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Knows which files make up the server's certificates and loads them into one {@link TlsMaterial}; used at start
 * and on every reload. Reads private keys and the passphrase file.
 */
final class TlsMaterialLoader {
    private final Path certFile;
    private final Path keyFile;
    private final Optional<Path> passphraseFile;
    private final List<TlsSettings.SniEntry> sni;

    TlsMaterialLoader(Path certFile, Path keyFile, Optional<Path> passphraseFile, List<TlsSettings.SniEntry> sni) {
        this.certFile = certFile;
        this.keyFile = keyFile;
        this.passphraseFile = passphraseFile;
        this.sni = List.copyOf(sni);
    }

    /** Every file whose change should trigger a reload, in a fixed order so stamps compare as lists. */
    List<Path> watchedFiles() {
        List<Path> files = new ArrayList<>();
        files.add(certFile);
        files.add(keyFile);
        passphraseFile.ifPresent(files::add);
        for (TlsSettings.SniEntry entry : sni) {
            files.add(entry.certFile());
            files.add(entry.keyFile());
        }
        return files;
    }

    List<FileStamp> stamps() throws IOException {
        return FileStamp.of(watchedFiles());
    }

    /** Loads everything or throws: a reload never installs half of a new configuration. */
    TlsMaterial load(long generation) throws IOException, GeneralSecurityException {
        CertifiedKey defaultKey = CertifiedKey.load(certFile, keyFile, passphraseFile);
        defaultKey.warnIfUnfit(certFile);
        Map<String, CertifiedKey> byName = new LinkedHashMap<>();
        for (TlsSettings.SniEntry entry : sni) {
            // One passphrase file serves every key, as in Postfix; unencrypted SNI keys simply ignore it.
            CertifiedKey key = CertifiedKey.load(entry.certFile(), entry.keyFile(), passphraseFile);
            key.warnIfUnfit(entry.certFile());
            if (byName.put(TlsMaterial.normalise(entry.hostname()), key) != null) {
                throw new TlsMaterialException(entry.certFile(), "SNI name " + entry.hostname()
                        + " is configured more than once");
            }
        }
        return new TlsMaterial(generation, defaultKey, byName);
    }
}
