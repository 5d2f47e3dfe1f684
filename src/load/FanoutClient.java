import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The fan-out load client: N WebSocket subscribers of dawg-server's /ws (src/load/fanout.sh runs it in its own
 * process, apart from the server nodes), events caused by comment POSTs at a fixed rate or with W in flight, and
 * each delivery's latency from the POST being sent to the frame being read.
 *
 * <p>Single file, JDK only ({@code java src/load/FanoutClient.java --help}): every subscriber is held by one
 * NIO selector thread speaking RFC 6455 itself (server frames are unmasked text; the client masks its own),
 * and a delivery is recognised by scanning the frame's bytes for this run's marker in the comment text, without
 * a JSON parse or a String per frame, so the client spends as little of the machine's two cores as it can. The
 * POSTs go through java.net.http's client on other threads. Comment text: fanout:RUN:PHASE:SEQ:SENTNANOS:padding.
 * Prints a summary and one line {@code RESULT k=v ...}.
 */
public class FanoutClient {

    static final String HELP = """
            usage: java src/load/FanoutClient.java --url http://127.0.0.1:18091[,http://...] --project ID[,ID...] --token JWT [options]
              --conns N         subscribers (1000); connection i follows project i mod P on URL (i / P) mod U
              --projects P      how many of the --project ids to use (1)
              --rate R          POSTs per second in total (100), round-robin over the projects and the URLs
              --window W        saturation instead: keep W POSTs in flight
              --duration D      measured seconds (20); --warmup S (3) first, not counted; --drain S (15) after
              --text-bytes B    comment text length (120)
              --write-token T   token for the POSTs (default --token); subscribers are anonymous (public projects)
            """;

    static final int TEXT = 0x1, CLOSE = 0x8, PING = 0x9, PONG = 0xA;

    // ---- options
    static Map<String, String> options = new HashMap<>();

    static String opt(String name, String fallback) {
        return options.getOrDefault(name, fallback);
    }

    public static void main(String[] args) throws Exception {
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--help")) {
                System.out.print(HELP);
                return;
            }
            options.put(args[i].substring(2), i + 1 < args.length && !args[i + 1].startsWith("--") ? args[++i] : "true");
        }
        new FanoutClient().run();
    }

    final String[] urls = opt("url", "http://127.0.0.1:18091").split(",");
    final int conns = Integer.parseInt(opt("conns", "1000"));
    final String[] projects = Arrays.copyOf(opt("project", "").split(","), Integer.parseInt(opt("projects", "1")));
    final double rate = Double.parseDouble(opt("rate", "100"));
    final int window = Integer.parseInt(opt("window", "0"));
    final int duration = Integer.parseInt(opt("duration", "20"));
    final int warmup = Integer.parseInt(opt("warmup", "3"));
    final int drain = Integer.parseInt(opt("drain", "15"));
    final int textBytes = Integer.parseInt(opt("text-bytes", "120"));
    final String writeToken = opt("write-token", opt("token", ""));
    final String run = Long.toString(System.nanoTime() % 1_000_000_000L, 36);
    final byte[] marker = ("fanout:" + run + ":").getBytes(StandardCharsets.US_ASCII);

    // ---- what the subscriber thread records (that thread only, read after it stops)
    final Latencies latencies = new Latencies();
    long delivered, warmDelivered, outOfOrder, otherFrames, lastDeliveryNanos;
    final AtomicInteger subscribed = new AtomicInteger(), failed = new AtomicInteger(), dropped = new AtomicInteger();
    final Map<String, AtomicInteger> closeCodes = new ConcurrentHashMap<>();
    final AtomicLong deliveredNow = new AtomicLong();
    volatile boolean measuring, stopping;

    /** One subscriber connection. */
    final class Subscriber {
        final int index;
        final String project;
        final SocketChannel socket;
        final ByteBuffer in = ByteBuffer.allocateDirect(64 * 1024);
        byte[] frame = new byte[8192];
        boolean upgraded, isSubscribed, closed;
        long lastSeq = -1;
        final String host;
        final int port;

        Subscriber(int index, String url) throws IOException {
            this.index = index;
            this.project = projects[index % projects.length];
            URI uri = URI.create(url);
            this.host = uri.getHost();
            this.port = uri.getPort();
            this.socket = SocketChannel.open();
            socket.configureBlocking(false);
            socket.connect(new InetSocketAddress(host, port));
        }

        void connected() throws IOException {
            socket.finishConnect();
            byte[] key = new byte[16];
            java.util.concurrent.ThreadLocalRandom.current().nextBytes(key);
            String request = "GET /ws HTTP/1.1\r\nHost: " + host + ":" + port + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(key) + "\r\nSec-WebSocket-Version: 13\r\n\r\n";
            writeFully(ByteBuffer.wrap(request.getBytes(StandardCharsets.US_ASCII)));
        }

        void send(int opcode, byte[] payload) throws IOException {
            ByteBuffer out = ByteBuffer.allocate(payload.length + 14);
            out.put((byte) (0x80 | opcode));
            if (payload.length < 126) {
                out.put((byte) (0x80 | payload.length));
            }
            else {
                out.put((byte) (0x80 | 126)).putShort((short) payload.length);
            }
            byte[] mask = { 1, 2, 3, 4 };
            out.put(mask);
            for (int i = 0; i < payload.length; i++) {
                out.put((byte) (payload[i] ^ mask[i & 3]));
            }
            out.flip();
            writeFully(out);
        }

        void writeFully(ByteBuffer out) throws IOException {
            // Tiny client frames on an idle socket: the kernel takes them at once (spin briefly otherwise).
            while (out.hasRemaining()) {
                if (socket.write(out) == 0) {
                    Thread.onSpinWait();
                }
            }
        }

        /** Reads what is there; false when the connection ended. */
        boolean readable() throws IOException {
            int n = socket.read(in);
            if (n < 0) {
                return false;
            }
            in.flip();
            if (!upgraded) {
                int end = headEnd();
                if (end < 0) {
                    in.compact();
                    return true;
                }
                byte[] head = new byte[end];
                in.get(head);
                String status = new String(head, StandardCharsets.US_ASCII);
                if (!status.startsWith("HTTP/1.1 101")) {
                    fail("HTTP " + status.substring(9, Math.min(12, status.length())));
                    return false;
                }
                upgraded = true;
                send(TEXT, ("{\"type\":\"subscribe\",\"projectId\":\"" + project + "\"}").getBytes(StandardCharsets.US_ASCII));
            }
            while (true) {
                int start = in.position();
                if (in.remaining() < 2) {
                    break;
                }
                int b0 = in.get() & 0xFF;
                int b1 = in.get() & 0x7F;
                long length = b1;
                if (b1 == 126) {
                    if (in.remaining() < 2) {
                        in.position(start);
                        break;
                    }
                    length = in.getShort() & 0xFFFF;
                }
                else if (b1 == 127) {
                    if (in.remaining() < 8) {
                        in.position(start);
                        break;
                    }
                    length = in.getLong();
                }
                if (in.remaining() < length) {
                    in.position(start);
                    if (length > in.capacity() - 16) {
                        throw new IOException("frame of " + length + " bytes");
                    }
                    break;
                }
                int len = (int) length;
                if (frame.length < len) {
                    frame = new byte[Math.max(len, frame.length * 2)];
                }
                in.get(frame, 0, len);
                if (!frameRead(b0 & 0x0F, len)) {
                    return false;
                }
            }
            in.compact();
            return true;
        }

        private int headEnd() {
            for (int i = in.position(); i + 3 < in.limit(); i++) {
                if (in.get(i) == '\r' && in.get(i + 1) == '\n' && in.get(i + 2) == '\r' && in.get(i + 3) == '\n') {
                    return i + 4 - in.position();
                }
            }
            return -1;
        }

        private boolean frameRead(int opcode, int len) throws IOException {
            if (opcode == PING) {
                send(PONG, Arrays.copyOf(frame, len));
                return true;
            }
            if (opcode == CLOSE) {
                int code = len >= 2 ? ((frame[0] & 0xFF) << 8) | (frame[1] & 0xFF) : 1005;
                if (isSubscribed && !stopping) {
                    dropped.incrementAndGet();
                }
                closeCodes.computeIfAbsent("close " + code, k -> new AtomicInteger()).incrementAndGet();
                return false;
            }
            if (opcode != TEXT) {
                otherFrames++;
                return true;
            }
            int at = indexOf(frame, len, marker);
            if (at < 0) {
                if (!isSubscribed && contains(frame, len, "\"subscribed\"")) {
                    isSubscribed = true;
                    subscribed.incrementAndGet();
                }
                else if (!isSubscribed && contains(frame, len, "\"error\"")) {
                    fail("subscribe error " + new String(frame, 0, len, StandardCharsets.UTF_8));
                    return false;
                }
                else {
                    otherFrames++;
                }
                return true;
            }
            long now = System.nanoTime();
            int p = at + marker.length;
            char phase = (char) frame[p];
            p += 2;
            long seq = 0;
            while (frame[p] != ':') {
                seq = seq * 10 + (frame[p++] - '0');
            }
            p++;
            long sent = 0;
            while (frame[p] != ':') {
                sent = sent * 10 + (frame[p++] - '0');
            }
            if (seq < lastSeq) {
                outOfOrder++;
            }
            lastSeq = seq;
            if (phase == 'm') {
                latencies.add((now - sent) / 1000);
                delivered++;
                deliveredNow.lazySet(delivered);
                lastDeliveryNanos = now;
            }
            else {
                warmDelivered++;
            }
            return true;
        }

        void fail(String why) {
            if (!isSubscribed) {
                failed.incrementAndGet();
            }
            closeCodes.computeIfAbsent(why, k -> new AtomicInteger()).incrementAndGet();
        }
    }

    static boolean contains(byte[] data, int len, String text) {
        return indexOf(data, len, text.getBytes(StandardCharsets.US_ASCII)) >= 0;
    }

    static int indexOf(byte[] data, int len, byte[] pattern) {
        outer:
        for (int i = 0; i + pattern.length <= len; i++) {
            if (data[i] != pattern[0]) {
                continue;
            }
            for (int j = 1; j < pattern.length; j++) {
                if (data[i + j] != pattern[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** Latencies in µs; percentiles by sorting once at the end. */
    static final class Latencies {
        long[] values = new long[1 << 20];
        int count;
        long max;

        void add(long micros) {
            if (count == values.length) {
                values = Arrays.copyOf(values, count * 2);
            }
            values[count++] = micros;
            max = Math.max(max, micros);
        }

        double percentileMs(double p) {
            if (count == 0) {
                return Double.NaN;
            }
            long[] sorted = Arrays.copyOf(values, count);
            Arrays.sort(sorted);
            return sorted[Math.min(count - 1, (int) Math.ceil(p * count) - 1)] / 1000.0;
        }
    }

    // ---- the subscriber thread

    final List<Subscriber> subscribers = new ArrayList<>();
    Selector selector;

    void subscriberLoop() {
        try {
            while (!stopping) {
                selector.select(100);
                for (SelectionKey key : selector.selectedKeys()) {
                    Subscriber s = (Subscriber) key.attachment();
                    try {
                        if (key.isConnectable()) {
                            s.connected();
                            key.interestOps(SelectionKey.OP_READ);
                        }
                        else if (key.isReadable() && !s.readable()) {
                            close(s, key);
                        }
                    }
                    catch (IOException ex) {
                        s.fail(ex.getClass().getSimpleName());
                        if (s.isSubscribed && !stopping) {
                            dropped.incrementAndGet();
                        }
                        close(s, key);
                    }
                }
                selector.selectedKeys().clear();
            }
        }
        catch (IOException ex) {
            throw new RuntimeException(ex);
        }
    }

    void close(Subscriber s, SelectionKey key) {
        s.closed = true;
        key.cancel();
        try {
            s.socket.close();
        }
        catch (IOException ignored) {
        }
    }

    // ---- the writer

    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
    final AtomicLong seq = new AtomicLong();
    final AtomicLong sentMeasured = new AtomicLong(), accepted = new AtomicLong(), expected = new AtomicLong();
    final Map<String, AtomicInteger> statuses = new TreeMap<>();
    final AtomicLong lastResponseNanos = new AtomicLong();
    int[] subscribersOf;

    java.util.concurrent.CompletableFuture<Void> post(char phase) {
        long n = seq.getAndIncrement();
        int projectIndex = (int) (n % projects.length);
        String url = urls[(int) ((n / projects.length) % urls.length)];
        String prefix = "fanout:" + run + ":" + phase + ":" + n + ":" + System.nanoTime() + ":";
        String text = prefix + "x".repeat(Math.max(1, textBytes - prefix.length()));
        HttpRequest request = HttpRequest.newBuilder(URI.create(url + "/api/projects/" + projects[projectIndex] + "/comments"))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + writeToken)
                .POST(HttpRequest.BodyPublishers.ofString("{\"text\":\"" + text + "\"}")).build();
        if (phase == 'm') {
            sentMeasured.incrementAndGet();
        }
        return http.sendAsync(request, HttpResponse.BodyHandlers.discarding()).handle((response, ex) -> {
            String status = ex != null ? ex.getClass().getSimpleName() : Integer.toString(response.statusCode());
            if (phase == 'm') {
                synchronized (statuses) {
                    statuses.computeIfAbsent(status, k -> new AtomicInteger()).incrementAndGet();
                }
                lastResponseNanos.set(System.nanoTime());
                if (ex == null && response.statusCode() / 100 == 2) {
                    accepted.incrementAndGet();
                    expected.addAndGet(subscribersOf[projectIndex]);
                }
            }
            return null;
        });
    }

    void writePhase(char phase, int seconds) throws InterruptedException {
        long start = System.nanoTime();
        long end = start + seconds * 1_000_000_000L;
        List<java.util.concurrent.CompletableFuture<Void>> pending = new ArrayList<>();
        if (window > 0) {
            Semaphore slots = new Semaphore(window);
            while (System.nanoTime() < end) {
                slots.acquire();
                post(phase).whenComplete((r, ex) -> slots.release());
            }
            slots.acquire(window);
            return;
        }
        long sent = 0;
        while (true) {
            long now = System.nanoTime();
            if (now >= end) {
                break;
            }
            long due = (long) ((now - start) * rate / 1e9) + 1;
            while (sent < due) {
                pending.add(post(phase));
                sent++;
            }
            long next = start + (long) (sent * 1e9 / rate);
            LockSupport.parkNanos(Math.max(0, next - System.nanoTime()));
        }
        java.util.concurrent.CompletableFuture.allOf(pending.toArray(new java.util.concurrent.CompletableFuture[0]))
                .orTimeout(10, java.util.concurrent.TimeUnit.SECONDS).exceptionally(ex -> null).join();
    }

    // ---- the run

    void run() throws Exception {
        selector = Selector.open();
        subscribersOf = new int[projects.length];
        long connectStart = System.nanoTime();
        for (int i = 0; i < conns; i++) {
            Subscriber s = new Subscriber(i, urls[(i / projects.length) % urls.length]);
            subscribers.add(s);
            s.socket.register(selector, SelectionKey.OP_CONNECT, s);
        }
        Thread loop = new Thread(this::subscriberLoop, "subscribers");
        loop.start();
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (subscribed.get() + failed.get() < conns && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        for (Subscriber s : subscribers) {
            // Read by the subscriber thread only; a stale read here only miscounts a connection still subscribing.
            if (s.isSubscribed) {
                subscribersOf[s.index % projects.length]++;
            }
        }
        log("subscribed %d/%d in %.1f s (failed %d) %s", subscribed.get(), conns, (System.nanoTime() - connectStart) / 1e9,
                failed.get(), closeCodes);
        if (warmup > 0) {
            log("warm-up %d s ...", warmup);
            writePhase('w', warmup);
            Thread.sleep(500);
        }
        long cpu0 = cpuNanos();
        long measureStart = System.nanoTime();
        log("measuring %d s ...", duration);
        writePhase('m', duration);
        log("writes done, draining ...");
        long drainEnd = System.nanoTime() + drain * 1_000_000_000L;
        while (deliveredNow.get() < expected.get() && System.nanoTime() < drainEnd) {
            Thread.sleep(50);
        }
        long clientCpu = cpuNanos() - cpu0;
        stopping = true;
        loop.join();
        long wall = System.nanoTime() - measureStart;
        double writeSeconds = (lastResponseNanos.get() - measureStart) / 1e9;
        double deliverySeconds = Math.max(1e-9, (lastDeliveryNanos - measureStart) / 1e9);
        long lost = Math.max(0, expected.get() - delivered);
        log("events: sent %d, accepted %d %s, %.1f/s", sentMeasured.get(), accepted.get(), statuses, accepted.get() / writeSeconds);
        log("deliveries: %d of %d expected (lost %d), %.0f/s; latency ms p50 %.2f p99 %.2f max %.2f; out of order %d, dropped %d %s",
                delivered, expected.get(), lost, delivered / deliverySeconds, latencies.percentileMs(0.5),
                latencies.percentileMs(0.99), latencies.max / 1000.0, outOfOrder, dropped.get(), closeCodes);
        System.out.printf(java.util.Locale.ROOT,
                "RESULT events/s %.1f deliveries/s %.0f p50 %.2f p99 %.2f max %.2f lost %d dropped %d held %d client-cores %.2f%n",
                accepted.get() / writeSeconds, delivered / deliverySeconds, latencies.percentileMs(0.5), latencies.percentileMs(0.99),
                latencies.max / 1000.0, lost, dropped.get(), subscribed.get() - dropped.get(), clientCpu / (double) wall);
        System.exit(0);
    }

    static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    static void log(String format, Object... args) {
        System.out.println(String.format(java.util.Locale.ROOT, format, args));
        System.out.flush();
    }
}
