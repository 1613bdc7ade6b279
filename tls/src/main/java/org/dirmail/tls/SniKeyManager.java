package org.dirmail.tls;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.StandardConstants;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * Gives JSSE the certificate for the SNI name a client asked for, or the default one, from whatever material is
 * installed at that moment; a reload swaps the material, so only later handshakes see it. Holds private keys.
 * Thread-safe: JSSE calls it from every handshaking thread at once.
 */
final class SniKeyManager extends X509ExtendedKeyManager {
    private static final String DEFAULT = "";

    /** The current material and the one before it, so an alias chosen just before a swap still resolves. */
    private record Generations(TlsMaterial current, TlsMaterial previous) {
    }

    private final AtomicReference<Generations> installed;

    SniKeyManager(TlsMaterial material) {
        this.installed = new AtomicReference<>(new Generations(material, material));
    }

    void install(TlsMaterial material) {
        installed.updateAndGet(g -> new Generations(material, g.current()));
    }

    TlsMaterial current() {
        return installed.get().current();
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        return choose(keyType, engine == null ? null : engine.getHandshakeSession());
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        return choose(keyType, socket instanceof SSLSocket ? ((SSLSocket) socket).getHandshakeSession() : null);
    }

    /**
     * JSSE asks once per key type it could use ("EC", "RSA", ...). A name with its own certificate gets that
     * certificate or nothing: serving the default under another name would only trade one error for another.
     */
    private String choose(String keyType, SSLSession handshake) {
        TlsMaterial material = current();
        String requested = requestedHostName(handshake);
        String name = requested == null ? null : material.matchingName(requested);
        String key = name == null ? DEFAULT : name;
        CertifiedKey certified = name == null ? material.defaultKey() : material.byName().get(name);
        return certified.keyType().equals(keyType) ? alias(material, key) : null;
    }

    private static String requestedHostName(SSLSession handshake) {
        if (!(handshake instanceof ExtendedSSLSession)) {
            return null;
        }
        for (SNIServerName name : ((ExtendedSSLSession) handshake).getRequestedServerNames()) {
            if (name.getType() == StandardConstants.SNI_HOST_NAME) {
                return name instanceof SNIHostName
                        ? ((SNIHostName) name).getAsciiName()
                        : new SNIHostName(name.getEncoded()).getAsciiName();
            }
        }
        return null;
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        CertifiedKey certified = lookup(alias);
        return certified == null ? null : certified.chain().toArray(new X509Certificate[0]);
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        CertifiedKey certified = lookup(alias);
        return certified == null ? null : certified.key();
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        TlsMaterial material = current();
        List<String> aliases = new ArrayList<>();
        if (material.defaultKey().keyType().equals(keyType)) {
            aliases.add(alias(material, DEFAULT));
        }
        for (Map.Entry<String, CertifiedKey> entry : material.byName().entrySet()) {
            if (entry.getValue().keyType().equals(keyType)) {
                aliases.add(alias(material, entry.getKey()));
            }
        }
        return aliases.isEmpty() ? null : aliases.toArray(new String[0]);
    }

    // A server key manager: it never acts as a TLS client.
    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return null;
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
        return null;
    }

    @Override
    public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
        return null;
    }

    /** "generation|name": the generation ties chain and key lookups to the material the alias was chosen from. */
    private static String alias(TlsMaterial material, String name) {
        return material.generation() + "|" + name;
    }

    private CertifiedKey lookup(String alias) {
        int bar = alias == null ? -1 : alias.indexOf('|');
        if (bar < 0) {
            return null;
        }
        long generation;
        try {
            generation = Long.parseLong(alias.substring(0, bar));
        } catch (NumberFormatException e) {
            return null;
        }
        String name = alias.substring(bar + 1);
        Generations g = installed.get();
        TlsMaterial material = g.current().generation() == generation ? g.current()
                : g.previous().generation() == generation ? g.previous() : null;
        if (material == null) {
            return null;
        }
        return name.equals(DEFAULT) ? material.defaultKey() : material.byName().get(name);
    }
}
