package io.juv.examples;

import io.juv.EventLoop;
import io.juv.Signal;
import io.juv.UvException;
import io.juv.net.Udp;
import io.juv.net.UdpHandler;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.Callable;

/**
 * A UDP echo server: every datagram comes back to its sender, whole.
 *
 * <pre>
 * make example NAME=udp-echo ARGS='--port 7001'
 * socat - UDP:127.0.0.1:7001        # each line typed is one datagram, echoed
 * </pre>
 *
 * <p>The datagram is sent back from the loop's read buffer while it is still valid: the kernel
 * usually takes it at once (uv_udp_try_send), and otherwise juv queues a copy. A datagram the
 * kernel refuses is reported and the server goes on. SIGINT (Ctrl-C) closes it and it exits.
 *
 * <pre>
 * --host ADDR   bind address (default 127.0.0.1; 0.0.0.0, or :: for IPv6 and IPv4)
 * --port N      port (default 7001; 0 lets the system choose)
 * </pre>
 */
@Command(name = "udp-echo", description = "A UDP echo server: every datagram comes back to its sender, whole; SIGINT closes it.")
public final class UdpEcho implements Callable<Integer> {

    @Mixin
    private HostPort at = new HostPort("127.0.0.1", 7001);

    private UdpEcho() {}

    public static void main(String[] args) {
        Cli.runAndExit(new UdpEcho(), args);
    }

    @Override
    public Integer call() {
        EventLoop.start(loop -> {
            Udp udp = loop.udp(at.host(), at.port(), new UdpHandler() {
                @Override public void onDatagram(Udp u, ByteBuffer data, InetSocketAddress sender) {
                    u.send(data, sender);
                }

                @Override public void onError(Udp u, UvException error) {
                    System.out.println("udp echo: " + error.getMessage());
                }
            });
            // After the bind, so that a port in use ends the program with its error on one line (Cli):
            // from here on one peer's trouble must not end the rest.
            loop.catchErrors(true);
            loop.onSignal(Signal.INT, sig -> {
                System.out.println("SIGINT: closing");
                udp.close();
                loop.exit();
            });
            InetSocketAddress bound = udp.localAddress();
            System.out.println("udp echo listening on " + bound.getAddress().getHostAddress() + ":" + bound.getPort());
        });
        System.out.println("udp echo exited");
        return 0;
    }
}
