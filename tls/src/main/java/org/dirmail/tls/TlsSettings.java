package org.dirmail.tls;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Where the server's TLS certificates and keys live, validated once when built; holds paths only, never
 * key material. With no {@code certFile}, a self-signed certificate for {@code hostname} is kept under
 * {@code selfSignedDir}.
 *
 * @param certFile            PEM certificate chain, leaf first; empty means "use a self-signed certificate"
 * @param keyFile             PEM private key for the leaf; required exactly when {@code certFile} is set
 * @param keyPassphraseFile   file whose first line decrypts an encrypted {@code keyFile}
 * @param sni                 extra certificates chosen by the name the client asks for (SNI)
 * @param selfSignedDir       where the self-signed {@code cert.pem} and {@code key.pem} are kept
 * @param hostname            this server's name, put in the self-signed certificate
 * @param reloadCheckInterval how often files are checked for changes; zero turns the check off
 */
public record TlsSettings(Optional<Path> certFile, Optional<Path> keyFile, Optional<Path> keyPassphraseFile,
                          List<SniEntry> sni, Path selfSignedDir, String hostname, Duration reloadCheckInterval) {

    /** One SNI certificate: {@code hostname} is matched case-insensitively; {@code *.example.org} matches one label. */
    public record SniEntry(String hostname, Path certFile, Path keyFile) {
        public SniEntry {
            Objects.requireNonNull(hostname, "hostname");
            Objects.requireNonNull(certFile, "certFile");
            Objects.requireNonNull(keyFile, "keyFile");
            if (hostname.isBlank()) {
                throw new IllegalArgumentException("SNI hostname must not be blank");
            }
            try {
                TlsMaterial.normalise(hostname);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("invalid SNI hostname " + hostname + ": " + e.getMessage(), e);
            }
        }
    }

    public TlsSettings {
        Objects.requireNonNull(certFile, "certFile");
        Objects.requireNonNull(keyFile, "keyFile");
        Objects.requireNonNull(keyPassphraseFile, "keyPassphraseFile");
        sni = List.copyOf(Objects.requireNonNull(sni, "sni"));
        Objects.requireNonNull(selfSignedDir, "selfSignedDir");
        Objects.requireNonNull(hostname, "hostname");
        Objects.requireNonNull(reloadCheckInterval, "reloadCheckInterval");
        if (certFile.isPresent() != keyFile.isPresent()) {
            throw new IllegalArgumentException("TLS certificate and key files must be configured together");
        }
        if (hostname.isBlank()) {
            throw new IllegalArgumentException("TLS hostname must not be blank");
        }
        if (reloadCheckInterval.isNegative()) {
            throw new IllegalArgumentException("TLS reload check interval must not be negative: " + reloadCheckInterval);
        }
    }

    /** Settings for a self-signed certificate under {@code dir} and no reload check: the embedded default, and tests. */
    public static TlsSettings selfSigned(Path dir, String hostname) {
        return new TlsSettings(Optional.empty(), Optional.empty(), Optional.empty(), List.of(), dir, hostname,
                Duration.ZERO);
    }

    /** Settings for one configured certificate chain and key, with no SNI entries. */
    public static TlsSettings of(Path certFile, Path keyFile, Optional<Path> keyPassphraseFile, Path selfSignedDir,
                                 String hostname, Duration reloadCheckInterval) {
        return new TlsSettings(Optional.of(certFile), Optional.of(keyFile), keyPassphraseFile, List.of(),
                selfSignedDir, hostname, reloadCheckInterval);
    }
}
