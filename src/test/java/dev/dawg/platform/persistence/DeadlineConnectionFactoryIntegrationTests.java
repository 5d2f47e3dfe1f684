package dev.dawg.platform.persistence;

import java.time.Duration;
import java.util.concurrent.TimeoutException;

import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.pool.ConnectionPoolConfiguration;
import io.r2dbc.spi.ConnectionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.r2dbc.core.DatabaseClient;

import dev.dawg.support.IntegrationTest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * A statement that misses its deadline takes its connection with it: the pool (checking only locally at checkout,
 * with no SELECT 1) never lends the stuck conversation out again, and the next statement runs on a fresh backend.
 * The app's own pool is wrapped the same way (the first test); a one-connection pool makes the replacement visible.
 */
@IntegrationTest
class DeadlineConnectionFactoryIntegrationTests {

    static final Duration DEADLINE = Duration.ofMillis(500);
    static final Duration WAIT = Duration.ofSeconds(10);

    @Autowired
    ConnectionFactory appPool;

    @Autowired
    DatabaseClient appDatabase;

    private ConnectionPool onlyOne;
    private DatabaseClient db;

    @BeforeEach
    void oneConnectionPool() {
        onlyOne = new ConnectionPool(ConnectionPoolConfiguration.builder(DriverConnections.under(appPool))
                .initialSize(1).maxSize(1).maxAcquireTime(WAIT).build());
        db = DatabaseConfiguration.client(new DeadlineConnectionFactory(onlyOne, DEADLINE));
    }

    @AfterEach
    void dispose() {
        onlyOne.dispose();
    }

    @Test
    void shouldPutTheDeadlinesAroundTheAppsPoolAndRunStatementsWithoutAValidationQuery() {
        assertThat(appPool).isInstanceOf(DeadlineConnectionFactory.class);
        assertThat(((DeadlineConnectionFactory) appPool).unwrap()).isInstanceOf(ConnectionPool.class);
        assertThat(appDatabase.sql("SELECT 41 + 1").map(row -> row.get(0, Integer.class)).one().block(WAIT)).isEqualTo(42);
    }

    @Test
    void shouldCloseAConnectionWhoseStatementMissedItsDeadlineAndServeTheNextOnAFreshOne() {
        Integer stuck = backend();

        assertThatThrownBy(() -> db.sql("SELECT pg_sleep(5)").fetch().rowsUpdated().block(WAIT))
                .hasRootCauseInstanceOf(TimeoutException.class);

        Integer next = backend();
        assertThat(next).isNotEqualTo(stuck);
        // The abandoned backend's socket was closed: the server ends its session rather than keep it.
        await().atMost(WAIT).untilAsserted(() -> assertThat(appDatabase.sql("SELECT count(*) FROM pg_stat_activity WHERE pid = :pid")
                .bind("pid", stuck).map(row -> row.get(0, Long.class)).one().block(WAIT)).isZero());
    }

    @Test
    void shouldKeepTheConnectionOfStatementsThatAnswerInTime() {
        Integer first = backend();
        db.sql("SELECT pg_sleep(0.1)").fetch().rowsUpdated().block(WAIT);
        assertThat(backend()).isEqualTo(first);
    }

    private Integer backend() {
        return db.sql("SELECT pg_backend_pid()").map(row -> row.get(0, Integer.class)).one().block(WAIT);
    }
}
