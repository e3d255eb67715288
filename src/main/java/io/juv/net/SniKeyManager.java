package io.juv.net;

import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509KeyManager;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A server's key manager choosing the certificate by the name the client asked for by SNI: the
 * JDK's way of serving several names from one context. Aliases are prefixed with the store's
 * index, so that stores may use the same alias.
 */
final class SniKeyManager extends X509ExtendedKeyManager {

    private final List<String> names = new ArrayList<>();
    private final List<X509KeyManager> managers = new ArrayList<>();
    private final int fallback;

    SniKeyManager(Map<String, X509KeyManager> byName, X509KeyManager fallback) {
        byName.forEach((n, m) -> {
            names.add(n);
            managers.add(m);
        });
        managers.add(fallback);
        this.fallback = managers.size() - 1;
    }

    static X509KeyManager of(KeyStore ks, char[] pw) throws GeneralSecurityException {
        for (KeyManager km : TlsOptions.keyManagerFactory(ks, pw).getKeyManagers())
            if (km instanceof X509KeyManager x) return x;
        throw new GeneralSecurityException("no X.509 key manager for the key store");
    }

    private int chosen(SSLEngine engine) {
        SSLSession s = engine == null ? null : engine.getHandshakeSession();
        if (s instanceof ExtendedSSLSession e) {
            for (SNIServerName n : e.getRequestedServerNames()) {
                if (n instanceof SNIHostName h) {
                    int i = names.indexOf(h.getAsciiName().toLowerCase(Locale.ROOT));
                    if (i >= 0) return i;
                }
            }
        }
        return fallback;
    }

    private X509KeyManager manager(String alias) {
        int colon = alias == null ? -1 : alias.indexOf(':');
        if (colon < 0) return null;
        return managers.get(Integer.parseInt(alias.substring(0, colon)));
    }

    private static String bare(String alias) {
        return alias.substring(alias.indexOf(':') + 1);
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        int i = chosen(engine);
        X509KeyManager m = managers.get(i);
        if (m == null) return null;
        String a = m instanceof X509ExtendedKeyManager x ? x.chooseEngineServerAlias(keyType, issuers, engine)
                : m.chooseServerAlias(keyType, issuers, null);
        return a == null ? null : i + ":" + a;
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        X509KeyManager m = manager(alias);
        return m == null ? null : m.getCertificateChain(bare(alias));
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        X509KeyManager m = manager(alias);
        return m == null ? null : m.getPrivateKey(bare(alias));
    }

    @Override public String[] getClientAliases(String keyType, Principal[] issuers) { return null; }
    @Override public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) { return null; }
    @Override public String[] getServerAliases(String keyType, Principal[] issuers) { return null; }
    @Override public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) { return null; }
}
