package dev.dawg.projects;

import java.time.Duration;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.r2dbc.postgresql.api.PostgresqlConnection;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

import dev.dawg.platform.config.DawgProperties;
import dev.dawg.platform.persistence.DriverConnections;

/**
 * Listens on one connection of its own to the database's {@code dawg_project_changed} notifications (sent by a
 * trigger at every commit that changes a project row, whichever node made it) and drops the changed heads from
 * {@link ProjectMetadataCache}. The connection is probed every second; when it breaks or stops answering, the heads
 * stop being served until a new connection listens again, so a change can go unheard for at most
 * {@link #PROBE_INTERVAL} + {@link #PROBE_TIMEOUT}.
 */
@Component
class ProjectChangeListener implements SmartLifecycle {

    static final String CHANNEL = "dawg_project_changed";
    static final Duration PROBE_INTERVAL = Duration.ofSeconds(1);
    static final Duration PROBE_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration MAX_RECONNECT_DELAY = Duration.ofSeconds(2);
    private static final Logger log = LoggerFactory.getLogger(ProjectChangeListener.class);

    private final ConnectionFactory connections;
    private final ProjectMetadataCache metadata;
    private final Duration connectTimeout;
    private volatile Disposable listening;

    ProjectChangeListener(ConnectionFactory pool, ProjectMetadataCache metadata, DawgProperties properties, MeterRegistry meters) {
        // A LISTEN belongs to its connection for as long as it lives: it must not be one the pool lends out.
        this.connections = DriverConnections.under(pool);
        this.metadata = metadata;
        this.connectTimeout = properties.db().connectTimeout();
        Gauge.builder("dawg.projects.head.cache.serving", metadata, h -> h.serving() ? 1 : 0)
                .description("1 while project heads are served from memory (change notifications are being heard)")
                .register(meters);
    }

    @Override
    public void start() {
        listening = Flux.defer(this::listenOnce)
                .retryWhen(Retry.backoff(Long.MAX_VALUE, Duration.ofMillis(100)).maxBackoff(MAX_RECONNECT_DELAY)
                        .doBeforeRetry(signal -> log.debug("Listening for project changes again after: {}", signal.failure().toString())))
                .subscribe();
    }

    /** One connection's life: listen, forward notifications, probe; always ends in an error to retry. */
    private Flux<Void> listenOnce() {
        return Flux.usingWhen(Mono.from(connections.create()).timeout(connectTimeout),
                        connection -> {
                            PostgresqlConnection postgres = (PostgresqlConnection) connection;
                            Flux<Void> notifications = postgres.getNotifications()
                                    .doOnNext(notification -> invalidate(notification.getParameter()))
                                    .thenMany(Flux.error(new IllegalStateException("The notification stream ended")));
                            Flux<Void> listenThenProbe = execute(connection, "LISTEN " + CHANNEL)
                                    .doOnSuccess(done -> {
                                        metadata.startServing();
                                        log.debug("Listening for project changes");
                                    })
                                    .thenMany(Flux.interval(PROBE_INTERVAL)
                                            .concatMap(tick -> execute(connection, "SELECT 1").timeout(PROBE_TIMEOUT)));
                            return Flux.merge(notifications, listenThenProbe);
                        },
                        connection -> close(connection),
                        (connection, failure) -> close(connection),
                        connection -> close(connection))
                .doOnError(failure -> {
                    if (metadata.serving()) {
                        log.warn("Stopped serving project heads from memory: the change notifications were lost ({})", failure.toString());
                    }
                    metadata.stopServing();
                });
    }

    private void invalidate(String projectId) {
        try {
            metadata.changed(java.util.UUID.fromString(projectId));
        }
        catch (IllegalArgumentException notAnId) {
            metadata.stopServing();
            metadata.startServing();
        }
    }

    private static Mono<Void> execute(Connection connection, String sql) {
        return Flux.from(connection.createStatement(sql).execute()).flatMap(result -> result.getRowsUpdated()).then();
    }

    /** A connection on a frozen link may never confirm its close: give up on it after a moment. */
    private Mono<Void> close(Connection connection) {
        return Mono.from(connection.close()).timeout(connectTimeout).onErrorResume(ignored -> Mono.empty());
    }

    @Override
    public void stop() {
        Disposable current = listening;
        if (current != null) {
            current.dispose();
        }
        metadata.stopServing();
        listening = null;
    }

    @Override
    public boolean isRunning() {
        return listening != null;
    }

    @Override
    public int getPhase() {
        // Before the web server takes requests (the heads simply go unused until the first LISTEN succeeds).
        return 1;
    }
}
