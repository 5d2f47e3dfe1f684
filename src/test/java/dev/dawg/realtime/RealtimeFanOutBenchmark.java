package dev.dawg.realtime;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.WebsocketClientSpec;
import reactor.netty.resources.ConnectionProvider;
import reactor.netty.resources.LoopResources;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpHeaders;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.context.TestPropertySource;
import org.springframework.web.reactive.function.client.WebClient;

import dev.dawg.events.ProjectEventPublisher;
import dev.dawg.support.Api;
import dev.dawg.support.IntegrationTest;
import dev.dawg.support.LiveSocket;
import dev.dawg.events.ProjectEvent;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fan-out figures of one node (server, embedded Redis and PostgreSQL, and every client in this one JVM): for
 * 1 project x 1,000 subscribers and 100 projects x 10, how many subscribers are held, how many events per
 * second reach them, and the latency to the client's receipt of the frame, p50 and p99: from the REST write that
 * causes it (autosave-style merge-patches, paced), and, to find the hub's own ceiling, from
 * {@link ProjectEventPublisher#publish} (the last step of a REST write; paced, then a burst).
 *
 * <p>Not part of the build: tagged {@code benchmark}, which surefire excludes. Run it with
 * {@code ./mvnw test -Dtest=RealtimeFanOutBenchmark -Dsurefire.excludedGroups=} ; the table is printed and
 * written to {@code target/realtime-benchmark.txt}.
 */
@Tag("benchmark")
@IntegrationTest
// Every client runs in this JVM, so all come from one address: the per-address share must not apply.
@TestPropertySource(properties = { "logging.level.dev.dawg.realtime=WARN", "dawg.realtime.max-connections-per-address=1000000" })
class RealtimeFanOutBenchmark {

    private static final Path REPORT = Path.of("target", "realtime-benchmark.txt");
    /** Paced phase: deliveries per second the publisher aims at (the 1 x 1,000 at 100 events/s), and for how long. */
    private static final int PACED_DELIVERIES_PER_SECOND = Integer.getInteger("benchmark.pacedDeliveriesPerSecond", 100_000);
    private static final Duration PACED_FOR = Duration.ofSeconds(5);
    /** Burst phase: deliveries in total, published as fast as 16 concurrent writers can. */
    private static final int BURST_DELIVERIES = 200_000;
    /** The version each benchmark project is at after the REST writes so far. */
    private final Map<UUID, Long> projectVersions = new java.util.concurrent.ConcurrentHashMap<>();
    /** REST phase: how long the owner's merge-patches are sent, each project's one after the other. */
    private static final Duration REST_FOR = Duration.ofSeconds(10);

    @LocalServerPort
    int port;

    @Autowired
    Api api;

    @Autowired
    ProjectEventPublisher events;

    @Autowired
    DatabaseClient db;

    @Autowired
    MeterRegistry meters;

    @Test
    void oneProjectThousandSubscribers() throws Exception {
        measure("1 project x 1000 subscribers", 1, 1000, Integer.getInteger("benchmark.restWritesPerSecond", 20));
    }

    @Test
    void hundredProjectsTenSubscribersEach() throws Exception {
        measure("100 projects x 10 subscribers", 100, 10, Integer.getInteger("benchmark.restWritesPerSecond", 200));
    }

    /**
     * Social burst: users like and comment on one popular project over REST (16 requests in flight) while 1,000
     * anonymous clients watch it; latency is from sending the REST request to each client's receipt of the event.
     */
    @Test
    void socialBurstOnOnePopularProject() throws Exception {
        int watchers = 1000;
        int fans = Integer.getInteger("benchmark.fans", 64);
        Api.User owner = api.signUp();
        UUID project = UUID.fromString((String) api.createProject(owner, Map.of("visibility", "public")).get("id"));
        List<Api.User> users = Flux.range(0, fans).flatMap(n -> Mono.fromCallable(api::signUp)
                .subscribeOn(reactor.core.scheduler.Schedulers.boundedElastic()), 4).collectList().block(Duration.ofMinutes(5));
        Receipts receipts = new Receipts(watchers);
        List<Disposable> sockets = connect(List.of(project), watchers, receipts);
        WebClient http = WebClient.builder().baseUrl("http://127.0.0.1:" + port).build();
        try {
            long expected = 2L * fans * watchers;
            receipts.reset(expected);
            long cpuBefore = processCpuNanos();
            long started = System.nanoTime();
            Flux.fromIterable(users).flatMap(user -> {
                        receipts.sentAt.put("like:added " + user.id(), System.nanoTime());
                        return http.post().uri("/api/projects/{id}/like", project).header(HttpHeaders.AUTHORIZATION, user.bearer())
                                .retrieve().toBodilessEntity()
                                .then(Mono.defer(() -> {
                                    receipts.sentAt.put("comment:added " + user.id(), System.nanoTime());
                                    return http.post().uri("/api/projects/{id}/comments", project)
                                            .header(HttpHeaders.AUTHORIZATION, user.bearer())
                                            .bodyValue(Map.of("text", "What a groove")).retrieve().toBodilessEntity();
                                }));
                    }, 16)
                    .blockLast(Duration.ofMinutes(5));
            long published = System.nanoTime();
            receipts.awaitAll(Duration.ofSeconds(60));
            Result result = new Result(2 * fans, expected, receipts.received.get(), Duration.ofNanos(published - started),
                    Duration.ofNanos(receipts.lastReceipt.get() - started), processCpuNanos() - cpuBefore, receipts.latencies());
            String report = String.format(Locale.ROOT, "social burst, 1 project x %d watchers, %d users each like + comment over REST "
                    + "(%d cores, load average %s)%n  %s%n", watchers, fans, Runtime.getRuntime().availableProcessors(), loadAverage(), result);
            System.out.print(report);
            Files.createDirectories(REPORT.getParent());
            Files.writeString(REPORT, report, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            assertThat(receipts.received.get()).isEqualTo(expected);
        }
        finally {
            sockets.forEach(Disposable::dispose);
        }
    }

    private void measure(String scenario, int projectCount, int subscribersPerProject, int restWritesPerSecond) throws Exception {
        Api.User owner = api.signUp();
        ProjectRows rows = new ProjectRows(db);
        List<UUID> projects = new ArrayList<>();
        for (int i = 0; i < projectCount; i++) {
            projects.add(rows.create(owner.id(), "public"));
        }
        ProjectEvent.Actor actor = new ProjectEvent.Actor(owner.id(), owner.username());
        Receipts receipts = new Receipts(projectCount * subscribersPerProject);
        List<Disposable> sockets = connect(projects, subscribersPerProject, receipts);
        try {
            int held = (int) meters.get("dawg.realtime.connections").gauge().value();
            int subscriptions = (int) meters.get("dawg.realtime.subscriptions").gauge().value();

            // Warm-up (JIT, connection pools), not measured.
            run(projects, actor, receipts, 20 * projectCount, 0, 16);

            int pacedEvents = (int) (PACED_DELIVERIES_PER_SECOND * PACED_FOR.toSeconds() / subscribersPerProject);
            double pacedRate = (double) PACED_DELIVERIES_PER_SECOND / subscribersPerProject;
            Result paced = run(projects, actor, receipts, pacedEvents, pacedRate, 16);
            Result burst = run(projects, actor, receipts, BURST_DELIVERIES / subscribersPerProject, 0, 16);
            restWrites(projects, owner, receipts, restWritesPerSecond, Duration.ofSeconds(3)); // warm-up of the write path
            Result rest = restWrites(projects, owner, receipts, restWritesPerSecond, REST_FOR);

            String report = String.format(Locale.ROOT,
                    "%s: %d connections held, %d subscriptions, %d closed by the server (%d cores, load average %s)%n"
                            + "  REST PATCH, %d writes/s, latency from the request %s%n"
                            + "  publish paced %s%n  publish burst %s%n",
                    scenario, held, subscriptions, receipts.closed.get(), Runtime.getRuntime().availableProcessors(),
                    loadAverage(), restWritesPerSecond, rest, paced, burst);
            System.out.print(report);
            Files.createDirectories(REPORT.getParent());
            Files.writeString(REPORT, report, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            assertThat(held).isGreaterThanOrEqualTo(projectCount * subscribersPerProject);
            assertThat(rest.received()).as("deliveries of REST writes").isEqualTo(rest.expected());
        }
        finally {
            sockets.forEach(Disposable::dispose);
        }
    }

    /** The machine's 1/5/15-minute load averages: the figures are only as good as the machine is quiet. */
    private static String loadAverage() {
        try {
            String[] fields = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return fields[0] + " " + fields[1] + " " + fields[2];
        }
        catch (java.io.IOException | RuntimeException ex) {
            return "unknown";
        }
    }

    /** Opens the clients (Reactor Netty's WebSocket client, cheaper per message than the JDK's) and subscribes them. */
    private List<Disposable> connect(List<UUID> projects, int perProject, Receipts receipts) throws InterruptedException {
        CountDownLatch subscribed = new CountDownLatch(projects.size() * perProject);
        // Event loops of their own, so the clients do not queue behind the server's (they share the cores anyway).
        HttpClient.WebsocketSender client = HttpClient.create(ConnectionProvider.newConnection())
                .runOn(LoopResources.create("benchmark-client", 2, true))
                .websocket(WebsocketClientSpec.builder().handlePing(false).build()).uri(LiveSocket.uri(port, null));
        List<Disposable> sockets = new ArrayList<>();
        for (UUID project : projects) {
            String subscribe = "{\"type\":\"subscribe\",\"projectId\":\"" + project + "\"}";
            for (int i = 0; i < perProject; i++) {
                sockets.add(client.handle((in, out) -> out.sendString(Mono.just(subscribe))
                                .then()
                                .thenMany(in.receive().asString().doOnNext(text -> receipts.receive(text, subscribed))))
                        .doFinally(signal -> receipts.closed.incrementAndGet())
                        .subscribe());
            }
        }
        assertThat(subscribed.await(120, TimeUnit.SECONDS)).as("all subscribed").isTrue();
        return sockets;
    }

    /** Publishes {@code count} events round-robin over the projects (at {@code rate} per second, 0: at once). */
    private Result run(List<UUID> projects, ProjectEvent.Actor actor, Receipts receipts, int count, double rate, int writers)
            throws InterruptedException {
        int perEvent = receipts.subscribers / projects.size();
        long expected = (long) count * perEvent;
        receipts.reset(expected);
        long cpuBefore = processCpuNanos();
        long started = System.nanoTime();
        Flux<Integer> sequence = Flux.range(0, count);
        if (rate > 0) {
            long periodNanos = (long) (1e9 / rate);
            sequence = sequence.delayUntil(n -> Mono.delay(Duration.ofNanos(Math.max(0, started + n * periodNanos - System.nanoTime()))));
        }
        sequence.flatMap(n -> events.publish(ProjectEvent.commentAdded(projects.get(n % projects.size()), actor.id(), actor,
                        Map.of("n", n, "sentNanos", System.nanoTime()))), writers)
                .blockLast(Duration.ofMinutes(5));
        long published = System.nanoTime();
        receipts.awaitAll(Duration.ofSeconds(60));
        long finished = receipts.lastReceipt.get();
        long cpu = processCpuNanos() - cpuBefore;
        return new Result(count, expected, receipts.received.get(), Duration.ofNanos(published - started),
                Duration.ofNanos(finished - started), cpu, receipts.latencies());
    }

    /**
     * The owner autosaves over REST: merge-patches of {@code projectData} at {@code writesPerSecond} in all, spread
     * over the projects, each project's writes one after the other (each needs the version the last one made). The
     * patch carries its send time, and the {@code project:updated} event carries the patch, so each receipt is timed
     * from the moment its REST request was sent.
     */
    private Result restWrites(List<UUID> projects, Api.User owner, Receipts receipts, int writesPerSecond, Duration duration)
            throws InterruptedException {
        WebClient http = WebClient.builder().baseUrl("http://127.0.0.1:" + port).build();
        Map<UUID, Long> versions = projectVersions;
        int perProject = Math.max(1, (int) (writesPerSecond * duration.toSeconds() / projects.size()));
        long periodNanos = (long) (1e9 * projects.size() / writesPerSecond);
        long expected = (long) perProject * receipts.subscribers;
        receipts.reset(expected);
        long cpuBefore = processCpuNanos();
        long started = System.nanoTime();
        Flux.fromIterable(projects).index().flatMap(indexed -> {
                    // Projects start staggered over one period, so the writes are spread evenly in time.
                    long offset = periodNanos * indexed.getT1() / projects.size();
                    long[] version = {versions.getOrDefault(indexed.getT2(), 1L)};
                    return Flux.range(0, perProject).concatMap(n -> Mono.delay(Duration.ofNanos(
                                    Math.max(0, started + offset + n * periodNanos - System.nanoTime())))
                            .then(Mono.defer(() -> http.patch().uri("/api/projects/{id}", indexed.getT2())
                                    .header(HttpHeaders.AUTHORIZATION, owner.bearer())
                                    .header(HttpHeaders.IF_MATCH, "\"" + version[0] + "\"")
                                    .contentType(org.springframework.http.MediaType.parseMediaType("application/merge-patch+json"))
                                    .bodyValue("{\"projectData\":{\"sentNanos\":" + System.nanoTime() + "}}")
                                    .retrieve().toBodilessEntity()
                                    .doOnNext(response -> versions.put(indexed.getT2(), ++version[0])))));
                }, projects.size())
                .blockLast(Duration.ofMinutes(5));
        long published = System.nanoTime();
        receipts.awaitAll(Duration.ofSeconds(60));
        return new Result(perProject * projects.size(), expected, receipts.received.get(), Duration.ofNanos(published - started),
                Duration.ofNanos(receipts.lastReceipt.get() - started), processCpuNanos() - cpuBefore, receipts.latencies());
    }

    /** CPU time of this whole JVM (server, Redis client, and the benchmark's own clients). */
    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    record Result(int events, long expected, long received, Duration publishing, Duration total, long cpuNanos, long[] latencies) {

        @Override
        public String toString() {
            double seconds = total.toNanos() / 1e9;
            return String.format(Locale.ROOT,
                    "%d events -> %d/%d deliveries in %.2f s (publishing %.2f s): %.0f events/s published, %.0f deliveries/s; "
                            + "latency p50 %.1f ms, p99 %.1f ms, max %.1f ms; JVM CPU %.1f us per delivery",
                    events, received, expected, seconds, publishing.toNanos() / 1e9, events / seconds, received / seconds,
                    percentile(0.50), percentile(0.99), percentile(1.0), received == 0 ? Double.NaN : cpuNanos / 1e3 / received);
        }

        private double percentile(double p) {
            if (latencies.length == 0) {
                return Double.NaN;
            }
            int index = (int) Math.min(latencies.length - 1, Math.max(0, Math.ceil(p * latencies.length) - 1));
            return latencies[index] / 1e6;
        }
    }

    /** What every client received in the current phase, with the latency of each delivery. */
    private static final class Receipts {

        private static final String SENT = "\"sentNanos\":";
        private static final String TYPE = "\"type\":\"";
        private static final String ACTOR_ID = "\"actor\":{\"id\":\"";

        /** For REST-caused events: when the request that causes "type actorId" was sent. */
        final Map<String, Long> sentAt = new java.util.concurrent.ConcurrentHashMap<>();

        final int subscribers;
        final AtomicLong received = new AtomicLong();
        final AtomicLong lastReceipt = new AtomicLong();
        final AtomicInteger closed = new AtomicInteger();
        private volatile long[] samples = new long[0];
        private final AtomicInteger next = new AtomicInteger();
        private volatile long expected;

        Receipts(int subscribers) {
            this.subscribers = subscribers;
        }

        void reset(long expected) {
            this.samples = new long[(int) Math.min(expected, 5_000_000)];
            this.next.set(0);
            this.received.set(0);
            this.expected = expected;
        }

        void record(long sentNanos) {
            long now = System.nanoTime();
            int index = next.getAndIncrement();
            long[] current = samples;
            if (index < current.length) {
                current[index] = now - sentNanos;
            }
            received.incrementAndGet();
            lastReceipt.accumulateAndGet(now, Math::max);
        }

        void awaitAll(Duration wait) throws InterruptedException {
            long deadline = System.nanoTime() + wait.toNanos();
            while (received.get() < expected && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
        }

        /** A frame a client received: an event is timed, a {@code subscribed} counted. */
        void receive(String text, CountDownLatch subscribed) {
            int at = text.indexOf(SENT);
            if (at >= 0) {
                int from = at + SENT.length();
                int to = from;
                while (to < text.length() && (Character.isDigit(text.charAt(to)) || text.charAt(to) == '-')) {
                    to++;
                }
                record(Long.parseLong(text, from, to, 10));
            }
            else if (text.contains("\"subscribed\"")) {
                subscribed.countDown();
            }
            else {
                // A social event: timed from its REST request, found by its type and its actor.
                int type = text.indexOf(TYPE);
                int actor = text.indexOf(ACTOR_ID);
                if (type >= 0 && actor >= 0) {
                    String key = text.substring(type + TYPE.length(), text.indexOf('"', type + TYPE.length())) + " "
                            + text.substring(actor + ACTOR_ID.length(), text.indexOf('"', actor + ACTOR_ID.length()));
                    Long sent = sentAt.get(key);
                    if (sent != null) {
                        record(sent);
                    }
                }
            }
        }

        long[] latencies() {
            long[] taken = Arrays.copyOf(samples, Math.min(next.get(), samples.length));
            Arrays.sort(taken);
            return taken;
        }
    }
}
