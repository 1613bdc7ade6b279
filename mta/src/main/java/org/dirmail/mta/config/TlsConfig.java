package org.dirmail.mta.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Server certificates. Without a configured certificate a self-signed one is generated in
 * {@code selfSignedDir} on first start.
 *
 * @param certFile           PEM chain, if configured
 * @param keyFile            PEM key for {@code certFile}
 * @param keyPassphraseFile  file with the key's passphrase, if the key is encrypted
 * @param sniCertificates    further certificates chosen by SNI
 * @param selfSignedDir      where a generated certificate lives ({@code <data_dir>/tls})
 */
public record TlsConfig(
        Optional<Path> certFile,
        Optional<Path> keyFile,
        Optional<Path> keyPassphraseFile,
        List<SniCertificate> sniCertificates,
        Path selfSignedDir) {

    public TlsConfig {
        sniCertificates = List.copyOf(sniCertificates);
    }

    /** A certificate served when the client asks for {@code hostname} by SNI. */
    public record SniCertificate(String hostname, Path certFile, Path keyFile) {
    }
}
