package io.juv.net;

import io.juv.ErrorKind;
import io.juv.UvException;

import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.CertPathValidatorException;
import java.util.Locale;

/**
 * A TLS failure: {@link ErrorKind#TLS_HANDSHAKE_FAILED}, {@link ErrorKind#TLS_TRUNCATED} or
 * {@link ErrorKind#TLS_FAILED}, with the {@link Reason} read from the JDK's exception (its cause).
 */
public final class TlsException extends UvException {

    private static final long serialVersionUID = 1L;

    /** Why a handshake failed, as far as the JDK's exception tells. */
    public enum Reason {
        /** The peer's certificate chain does not lead to a trusted certificate. */
        UNTRUSTED_CERTIFICATE,
        /** A certificate of the peer's chain has expired (or is not valid yet). */
        EXPIRED_CERTIFICATE,
        /** The server's certificate is not for the host name (or address) connected to. */
        HOSTNAME_MISMATCH,
        /** No protocol version or cipher suite both sides allow. */
        NO_SHARED_PROTOCOL,
        /** The client offered application protocols (ALPN) of which the server takes none. */
        NO_SHARED_APPLICATION_PROTOCOL,
        /** The server requires a client certificate and got none (or refused the one sent). */
        CLIENT_CERTIFICATE_REFUSED,
        /** The peer sent a fatal alert not named above. */
        PEER_ALERT,
        /** The connection ended before the handshake was done. */
        CLOSED_DURING_HANDSHAKE,
        /** The peer closed the connection without close_notify. */
        TRUNCATED,
        /** Anything else; see the cause. */
        OTHER
    }

    /** Why it failed, as far as the JDK's exception tells. */
    private final Reason reason;

    TlsException(ErrorKind kind, Reason reason, String message, Throwable cause) {
        super(0, "ETLS", message, kind);
        this.reason = reason;
        if (cause != null) initCause(cause);
    }

    /** {@return why it failed, as far as the JDK's exception (the cause) tells} {@link Reason#OTHER} when nothing did. */
    public Reason reason() {
        return reason;
    }

    static TlsException handshake(Throwable e) {
        Reason r = reasonOf(e);
        return new TlsException(ErrorKind.TLS_HANDSHAKE_FAILED, r,
                "TLS handshake failed (" + r.name().toLowerCase(Locale.ROOT).replace('_', ' ') + "): " + e.getMessage(), e);
    }

    static TlsException failed(Throwable e) {
        return new TlsException(ErrorKind.TLS_FAILED, reasonOf(e), "TLS failed: " + e.getMessage(), e);
    }

    static TlsException truncated() {
        return new TlsException(ErrorKind.TLS_TRUNCATED, Reason.TRUNCATED,
                "the peer closed the connection without TLS close_notify: the data may be truncated", null);
    }

    static TlsException closedDuringHandshake() {
        return new TlsException(ErrorKind.TLS_HANDSHAKE_FAILED, Reason.CLOSED_DURING_HANDSHAKE,
                "TLS handshake failed: the peer closed the connection", null);
    }

    private static Reason reasonOf(Throwable e) {
        StringBuilder all = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof CertificateExpiredException || t instanceof CertificateNotYetValidException) return Reason.EXPIRED_CERTIFICATE;
            if (t instanceof CertPathValidatorException v && v.getReason() == CertPathValidatorException.BasicReason.EXPIRED)
                return Reason.EXPIRED_CERTIFICATE;
            all.append(' ').append(t.getMessage());
        }
        String m = all.toString().toLowerCase(Locale.ROOT);
        if (m.contains("no subject alternative") || m.contains("no name matching")) return Reason.HOSTNAME_MISMATCH;
        if (m.contains("expired") || m.contains("validity check failed")) return Reason.EXPIRED_CERTIFICATE;
        if (m.contains("no_application_protocol") || m.contains("application protocol")) return Reason.NO_SHARED_APPLICATION_PROTOCOL;
        if (m.contains("empty client certificate") || m.contains("certificate_required") || m.contains("bad_certificate"))
            return Reason.CLIENT_CERTIFICATE_REFUSED;
        if (m.contains("pkix path") || m.contains("certification path") || m.contains("certificate_unknown")
                || m.contains("unknown_ca")) return Reason.UNTRUSTED_CERTIFICATE;
        if (m.contains("no appropriate protocol") || m.contains("protocol_version") || m.contains("no negotiable cipher")
                || m.contains("handshake_failure") || m.contains("insufficient_security")) return Reason.NO_SHARED_PROTOCOL;
        if (m.contains("received fatal alert")) return Reason.PEER_ALERT;
        return Reason.OTHER;
    }
}
