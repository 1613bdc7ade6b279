package org.dirmail.tls;

import java.io.IOException;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;

/** Reads a PEM certificate chain (leaf first, as TLS sends it) into JDK certificates; holds no secrets. */
final class PemCertificates {
    private PemCertificates() {
    }

    /** Every certificate in {@code file}, in file order; other PEM blocks (a key in a combined file) are skipped. */
    static List<X509Certificate> readChain(Path file) throws IOException, TlsMaterialException {
        // No provider on the converter: the JDK's CertificateFactory builds the objects JSSE uses anyway.
        JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
        List<X509Certificate> chain = new ArrayList<>();
        for (Object o : PemFiles.readAll(file, "certificate")) {
            if (o instanceof X509CertificateHolder) {
                try {
                    chain.add(converter.getCertificate((X509CertificateHolder) o));
                } catch (CertificateException e) {
                    throw new TlsMaterialException(file, "certificate " + (chain.size() + 1) + " is invalid: "
                            + e.getMessage(), e);
                }
            }
        }
        if (chain.isEmpty()) {
            throw new TlsMaterialException(file, "no certificate found (expected -----BEGIN CERTIFICATE-----)");
        }
        return List.copyOf(chain);
    }
}
