package dev.dawg.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP proxy between the server and one of its dependencies, for fault tests: it passes traffic, refuses
 * it (drops every connection and every new one), black-holes it (keeps connections open but delivers
 * nothing, like a frozen peer or a lost network), or freezes it (holds every byte and delivers it once the
 * link passes again, as TCP does after a stall that ends without a reset). It can also freeze only the
 * connections open at one moment, as a stalled NAT entry or a peer that vanished without a reset does,
 * while new connections pass.
 */
public final class TcpProxy implements AutoCloseable {

    /** What the link does with traffic. */
    public enum Mode { PASS, REFUSE, BLACK_HOLE, FREEZE }

    private final String targetHost;
    private final int targetPort;
    private final ServerSocket listener;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final Set<Socket> frozenSockets = ConcurrentHashMap.newKeySet();
    private volatile Mode mode = Mode.PASS;
    private volatile boolean closed;
    private final Object thaw = new Object();

    public TcpProxy(String targetHost, int targetPort) throws IOException {
        this.targetHost = targetHost;
        this.targetPort = targetPort;
        this.listener = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::acceptLoop, "tcp-proxy-" + listener.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public int port() {
        return listener.getLocalPort();
    }

    public void pass() {
        mode = Mode.PASS;
        frozenSockets.clear();
        wakePumps();
    }

    /** The connections open now stay open and nothing moves on them until {@link #pass()}; new ones pass. */
    public void freezeOpenConnections() {
        frozenSockets.addAll(sockets);
    }

    /** Connections stay open and nothing moves; what was sent is delivered, late, once the link passes again. */
    public void freeze() {
        mode = Mode.FREEZE;
    }

    /** Drops every open connection; new ones are closed as soon as they are accepted. */
    public void refuse() {
        mode = Mode.REFUSE;
        sockets.forEach(TcpProxy::closeQuietly);
        sockets.clear();
        wakePumps();
    }

    /** Connections stay open, but nothing reaches the other side any more. */
    public void blackHole() {
        mode = Mode.BLACK_HOLE;
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket client = listener.accept();
                if (mode == Mode.REFUSE) {
                    closeQuietly(client);
                    continue;
                }
                Socket upstream = new Socket(targetHost, targetPort);
                sockets.add(client);
                sockets.add(upstream);
                pump(client, upstream);
                pump(upstream, client);
            }
            catch (IOException ex) {
                if (closed) {
                    return;
                }
            }
        }
    }

    private void pump(Socket from, Socket to) {
        Thread thread = new Thread(() -> {
            byte[] buffer = new byte[16 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int read;
                while ((read = in.read(buffer)) >= 0) {
                    awaitThaw(from);
                    if (mode == Mode.PASS) {
                        out.write(buffer, 0, read);
                        out.flush();
                    }
                }
            }
            catch (IOException ignored) {
                // The other side went away or the link was cut on purpose.
            }
            finally {
                closeQuietly(from);
                closeQuietly(to);
            }
        }, "tcp-proxy-pump");
        thread.setDaemon(true);
        thread.start();
    }

    private void awaitThaw(Socket from) throws java.io.InterruptedIOException {
        synchronized (thaw) {
            while ((mode == Mode.FREEZE || frozenSockets.contains(from)) && !closed) {
                try {
                    thaw.wait();
                }
                catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                    throw new java.io.InterruptedIOException("proxy stopped");
                }
            }
        }
    }

    private void wakePumps() {
        synchronized (thaw) {
            thaw.notifyAll();
        }
    }

    @Override
    public void close() {
        closed = true;
        wakePumps();
        closeQuietly(listener);
        sockets.forEach(TcpProxy::closeQuietly);
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        }
        catch (Exception ignored) {
            // Closing is best effort.
        }
    }
}
