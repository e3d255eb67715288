package io.juv.net;

import io.juv.EventLoop;
import io.juv.Loops;
import io.juv.StreamHandler;
import io.juv.Timer;
import io.juv.UvException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509KeyManager;
import javax.net.ssl.X509TrustManager;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The engine's delegated tasks never block the loop. The work the JDK's SSLEngine hands out as
 * delegated tasks (consuming handshake messages: the server's signature, the client's certificate
 * check) is seen from inside, through a key manager and a trust manager the engine calls from
 * those tasks; the loop's busy time is measured from outside, by libuv's own idle-time metric.
 */
@Timeout(60)
class TlsDelegatedTaskTest {

    private static final TlsCerts CERTS = TlsCerts.get();
    private static final int HANDSHAKES = 50;
    /** No stretch of work on the loop thread between two waits for I/O may take longer than this. */
    private static final Duration BOUND = Duration.ofMillis(100);
    /**
     * How long the client's certificate check takes, as one that fetched an OCSP response or a CRL
     * would: longer than {@link #BOUND}, so one such check on the loop thread fails the bound.
     */
    private static final Duration SLOW_CHECK = Duration.ofMillis(250);

    /**
     * The loop thread's longest busy stretch: between two ticks of a 1 ms interval timer, the CPU
     * time the loop thread used plus the time it spent waiting inside Java (a lock, a monitor, a
     * sleep, a park: the JVM's thread contention statistics). The poll's wait for I/O is neither, so
     * what is counted is time spent in callbacks (juv's and the handlers') and in libuv's own work:
     * an upper bound on the longest single callback. Wall-clock gaps (uv_now, or wall time less
     * libuv's idle-time metric) would also count time the thread sat ready in the kernel's run queue
     * or stopped for a GC pause: on a loaded two-CPU machine those reach hundreds of milliseconds
     * and say nothing about the program. Not counted either: a blocking native call other than the
     * poll (the TLS layer makes none; a delegated task is Java code).
     */
    static final class BusyMeter {
        private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
        private final Timer ticks;
        private final long thread = Thread.currentThread().threadId();
        private long last;
        long longestNanos;
        int samples;

        BusyMeter(EventLoop loop) {
            if (THREADS.isThreadContentionMonitoringSupported()) THREADS.setThreadContentionMonitoringEnabled(true);
            last = spentNanos();
            ticks = loop.interval(Duration.ofMillis(1), t -> sample());
        }

        /** The loop thread's CPU time and Java wait time so far (a ThreadInfo without a stack needs no safepoint). */
        private long spentNanos() {
            ThreadInfo info = THREADS.getThreadInfo(thread);
            long waitedMillis = Math.max(0, info.getWaitedTime()) + Math.max(0, info.getBlockedTime());
            return THREADS.getCurrentThreadCpuTime() + waitedMillis * 1_000_000;
        }

        private void sample() {
            long spent = spentNanos();
            longestNanos = Math.max(longestNanos, spent - last);
            samples++;
            last = spent;
        }

        void stop() {
            sample();
            ticks.cancel();
        }

        Duration longest() {
            return Duration.ofNanos(longestNanos);
        }
    }

    /** Threads on which the engine called the key manager or the trust manager: its delegated tasks' threads. */
    private static final Set<Thread> TASK_THREADS = ConcurrentHashMap.newKeySet();
    private static final AtomicInteger TASK_CALLS = new AtomicInteger();

    private static void inTask() {
        TASK_THREADS.add(Thread.currentThread());
        TASK_CALLS.incrementAndGet();
    }

    /** The server's key manager, noting where the engine asks for the key it signs the handshake with. */
    private static SSLContext serverContext(KeyStore ks) throws Exception {
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, TlsCerts.PASSWORD);
        X509KeyManager keys = (X509KeyManager) kmf.getKeyManagers()[0];
        X509ExtendedKeyManager noting = new X509ExtendedKeyManager() {
            @Override public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
                inTask();
                return ((X509ExtendedKeyManager) keys).chooseEngineServerAlias(keyType, issuers, engine);
            }
            @Override public PrivateKey getPrivateKey(String alias) {
                inTask();
                return keys.getPrivateKey(alias);
            }
            @Override public X509Certificate[] getCertificateChain(String alias) { return keys.getCertificateChain(alias); }
            @Override public String[] getClientAliases(String keyType, Principal[] issuers) { return keys.getClientAliases(keyType, issuers); }
            @Override public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) { return null; }
            @Override public String[] getServerAliases(String keyType, Principal[] issuers) { return keys.getServerAliases(keyType, issuers); }
            @Override public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
                return keys.chooseServerAlias(keyType, issuers, socket);
            }
        };
        SSLContext c = SSLContext.getInstance("TLS");
        c.init(new javax.net.ssl.KeyManager[] {noting}, null, null);
        return c;
    }

    /** The client's trust manager: the JDK's, trusting the test CA, slowed by {@code delay} and noting its thread. */
    private static SSLContext clientContext(Duration delay) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", CERTS.ca);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        X509ExtendedTrustManager jdk = (X509ExtendedTrustManager) tmf.getTrustManagers()[0];
        X509ExtendedTrustManager slow = new X509ExtendedTrustManager() {
            @Override public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
                inTask();
                try {
                    Thread.sleep(delay);
                } catch (InterruptedException e) {
                    throw new CertificateException(e);
                }
                jdk.checkServerTrusted(chain, authType, engine); // host name verification as well
            }
            @Override public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
                throw new CertificateException("an engine's check was expected");
            }
            @Override public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
                throw new CertificateException("an engine's check was expected");
            }
            @Override public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
                jdk.checkClientTrusted(chain, authType, socket);
            }
            @Override public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
                jdk.checkClientTrusted(chain, authType, engine);
            }
            @Override public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
                jdk.checkClientTrusted(chain, authType);
            }
            @Override public X509Certificate[] getAcceptedIssuers() { return jdk.getAcceptedIssuers(); }
        };
        SSLContext c = SSLContext.getInstance("TLS");
        c.init(null, new X509TrustManager[] {slow}, null);
        return c;
    }

    /** What a run of handshakes saw. */
    record Run(Duration longestBusy, int samples, int connected, List<UvException> errors, boolean taskOnLoop) {}

    /**
     * {@code count} clients shake hands at once with an RSA server and an EC server (alternately),
     * all on one loop, each exchanging one message before it closes; the busy meter runs throughout.
     */
    private static Run handshakes(int count, TlsOptions client) throws Exception {
        TlsOptions rsa = TlsOptions.of(serverContext(CERTS.rsaServer()));
        TlsOptions ec = TlsOptions.of(serverContext(CERTS.server));
        TASK_THREADS.clear();
        TASK_CALLS.set(0);
        List<UvException> errors = new ArrayList<>();
        AtomicInteger connected = new AtomicInteger();
        BusyMeter[] meter = new BusyMeter[1];
        Thread[] loopThread = new Thread[1];
        Loops.run(loop -> {
            Loops.Watchdog dog = Loops.watchdog(loop, Duration.ofSeconds(40));
            loopThread[0] = Thread.currentThread();
            StreamHandler<TlsStream> echo = new StreamHandler<>() {
                @Override public void onData(TlsStream s, ByteBuffer data) { s.write(data); }
                @Override public void onError(TlsStream s, UvException e) { errors.add(e); }
            };
            TcpServer rsaServer = loop.listenTls("127.0.0.1", 0, rsa, echo);
            TcpServer ecServer = loop.listenTls("127.0.0.1", 0, ec, echo);
            meter[0] = new BusyMeter(loop);
            AtomicInteger left = new AtomicInteger(count);
            for (int i = 0; i < count; i++) {
                int port = (i % 2 == 0 ? rsaServer : ecServer).port();
                loop.connectTls("localhost", port, client, new StreamHandler<TlsStream>() {
                    @Override public void onConnect(TlsStream s) {
                        connected.incrementAndGet();
                        s.write("ping");
                    }
                    @Override public void onData(TlsStream s, ByteBuffer data) { s.close(); }
                    @Override public void onError(TlsStream s, UvException e) { errors.add(e); }
                    @Override public void onClose(TlsStream s) {
                        if (left.decrementAndGet() > 0) return;
                        meter[0].stop();
                        rsaServer.close();
                        ecServer.close();
                        dog.cancel();
                    }
                });
            }
        });
        return new Run(meter[0].longest(), meter[0].samples, connected.get(), errors, TASK_THREADS.contains(loopThread[0]));
    }

    @Test
    void fiftyHandshakesNeverBlockTheLoopAndTheirTasksRunElsewhere() throws Exception {
        // Unmeasured first: the first handshakes of a JVM load and compile TLS's classes, on every thread.
        handshakes(4, TlsOptions.of(clientContext(Duration.ZERO)));

        Run run = handshakes(HANDSHAKES, TlsOptions.of(clientContext(SLOW_CHECK)));
        assertTrue(run.errors().isEmpty(), run.errors()::toString);
        assertEquals(HANDSHAKES, run.connected());
        // Each client checked its server's certificate, each server chose and used its key, all inside the engine's tasks.
        assertTrue(TASK_CALLS.get() >= 2 * HANDSHAKES, () -> "calls from delegated tasks: " + TASK_CALLS.get());
        assertFalse(run.taskOnLoop(), "a delegated task ran on the loop thread: " + TASK_THREADS);
        assertTrue(run.samples() > 10, () -> "the meter sampled " + run.samples() + " times");
        // Every client's check slept SLOW_CHECK; a loop that ran one would have been busy that long.
        assertTrue(run.longestBusy().compareTo(BOUND) < 0,
                () -> "the loop was busy " + run.longestBusy().toMillis() + " ms at a stretch (bound " + BOUND.toMillis() + " ms)");
        System.out.println("TlsDelegatedTaskTest: " + HANDSHAKES + " handshakes (RSA and EC), longest busy stretch of the loop "
                + run.longestBusy().toNanos() / 1000 + " us over " + run.samples() + " samples");
    }

    @Test
    void theMeterSeesATaskRunOnTheLoop() throws Exception {
        // The same check, run by an executor that runs tasks where it is called: on the loop thread.
        Run run = handshakes(2, TlsOptions.of(clientContext(SLOW_CHECK)).withExecutor(Runnable::run));
        assertTrue(run.errors().isEmpty(), run.errors()::toString);
        assertEquals(2, run.connected());
        assertTrue(run.taskOnLoop(), "the check ran on the loop thread");
        assertTrue(run.longestBusy().compareTo(SLOW_CHECK) >= 0,
                () -> "the meter saw only " + run.longestBusy().toMillis() + " ms of a " + SLOW_CHECK.toMillis() + " ms check on the loop");
    }
}
