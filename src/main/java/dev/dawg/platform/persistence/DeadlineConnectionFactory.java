package dev.dawg.platform.persistence;

import java.time.Duration;
import java.util.concurrent.TimeoutException;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Predicate;

import io.r2dbc.spi.Batch;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.ConnectionFactoryMetadata;
import io.r2dbc.spi.ConnectionMetadata;
import io.r2dbc.spi.IsolationLevel;
import io.r2dbc.spi.Readable;
import io.r2dbc.spi.Result;
import io.r2dbc.spi.Row;
import io.r2dbc.spi.RowMetadata;
import io.r2dbc.spi.Statement;
import io.r2dbc.spi.TransactionDefinition;
import io.r2dbc.spi.ValidationDepth;
import io.r2dbc.spi.Wrapped;
import org.reactivestreams.Publisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The pool's connections, each of whose statements and transaction steps must answer within the query timeout
 * ({@code DAWG_DB_QUERY_TIMEOUT}); a connection that misses one is closed at once. A missed deadline means a hung
 * database or a frozen link, and the conversation on that connection can no longer be trusted: closing it lets the
 * pool's local check on the next checkout (is the socket still open?) replace it. That check costs nothing, where
 * the {@code SELECT 1} before every checkout it replaces was a round trip (five of a comment POST's eight statements,
 * issue 20).
 *
 * <p>The deadline is between a statement's signals: a long result keeps flowing while rows keep coming, but a link
 * that freezes mid-answer fails the statement too. Wrapping the pool rather than each {@code DatabaseClient} keeps the transaction manager and the clients on
 * the same factory, so statements inside a transaction find its connection.
 */
final class DeadlineConnectionFactory implements ConnectionFactory, Wrapped<ConnectionFactory>, Disposable, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DeadlineConnectionFactory.class);

    private final ConnectionFactory pool;
    private final Duration deadline;

    DeadlineConnectionFactory(ConnectionFactory pool, Duration deadline) {
        this.pool = pool;
        this.deadline = deadline;
    }

    @Override
    public Publisher<? extends Connection> create() {
        return Mono.from(pool.create()).map(DeadlineConnection::new);
    }

    @Override
    public ConnectionFactoryMetadata getMetadata() {
        return pool.getMetadata();
    }

    @Override
    public ConnectionFactory unwrap() {
        return pool;
    }

    @Override
    public void dispose() {
        if (pool instanceof Disposable disposable) {
            disposable.dispose();
        }
    }

    @Override
    public boolean isDisposed() {
        return pool instanceof Disposable disposable && disposable.isDisposed();
    }

    @Override
    public void close() {
        dispose();
    }

    private final class DeadlineConnection implements Connection, Wrapped<Connection> {

        private final Connection pooled;

        DeadlineConnection(Connection pooled) {
            this.pooled = pooled;
        }

        private <T> Mono<T> step(Publisher<T> step) {
            return Mono.from(step).timeout(deadline).doOnError(TimeoutException.class, this::abandon);
        }

        /** Each signal within the deadline of the one before: a long answer keeps flowing while it keeps coming. */
        private <T> Flux<T> signals(Publisher<T> signals) {
            return Flux.from(signals).timeout(deadline).doOnError(TimeoutException.class, this::abandon);
        }

        /** Closes the connection under the pool's lease: its conversation is lost, so no later borrower may get it. */
        private void abandon(Throwable timeout) {
            Connection physical = pooled instanceof Wrapped<?> wrapped && wrapped.unwrap() instanceof Connection inner ? inner : pooled;
            log.warn("A database statement missed its {} deadline; closing its connection", deadline);
            Mono.from(physical.close()).timeout(deadline)
                    .subscribe(null, failure -> log.debug("Closing an abandoned connection: {}", failure.toString()));
        }

        @Override
        public Statement createStatement(String sql) {
            return new DeadlineStatement(this, pooled.createStatement(sql));
        }

        @Override
        public Publisher<Void> beginTransaction() {
            return step(pooled.beginTransaction());
        }

        @Override
        public Publisher<Void> beginTransaction(TransactionDefinition definition) {
            return step(pooled.beginTransaction(definition));
        }

        @Override
        public Publisher<Void> commitTransaction() {
            return step(pooled.commitTransaction());
        }

        @Override
        public Publisher<Void> rollbackTransaction() {
            return step(pooled.rollbackTransaction());
        }

        @Override
        public Publisher<Void> createSavepoint(String name) {
            return step(pooled.createSavepoint(name));
        }

        @Override
        public Publisher<Void> releaseSavepoint(String name) {
            return step(pooled.releaseSavepoint(name));
        }

        @Override
        public Publisher<Void> rollbackTransactionToSavepoint(String name) {
            return step(pooled.rollbackTransactionToSavepoint(name));
        }

        @Override
        public Publisher<Void> setAutoCommit(boolean autoCommit) {
            return step(pooled.setAutoCommit(autoCommit));
        }

        @Override
        public Publisher<Void> setLockWaitTimeout(Duration timeout) {
            return step(pooled.setLockWaitTimeout(timeout));
        }

        @Override
        public Publisher<Void> setStatementTimeout(Duration timeout) {
            return step(pooled.setStatementTimeout(timeout));
        }

        @Override
        public Publisher<Void> setTransactionIsolationLevel(IsolationLevel isolationLevel) {
            return step(pooled.setTransactionIsolationLevel(isolationLevel));
        }

        @Override
        public Publisher<Boolean> validate(ValidationDepth depth) {
            return step(pooled.validate(depth));
        }

        @Override
        public Publisher<Void> close() {
            return pooled.close();
        }

        @Override
        public Batch createBatch() {
            return pooled.createBatch();
        }

        @Override
        public boolean isAutoCommit() {
            return pooled.isAutoCommit();
        }

        @Override
        public ConnectionMetadata getMetadata() {
            return pooled.getMetadata();
        }

        @Override
        public IsolationLevel getTransactionIsolationLevel() {
            return pooled.getTransactionIsolationLevel();
        }

        @Override
        public Connection unwrap() {
            return pooled;
        }
    }

    /**
     * A statement's answer: the driver hands the result over before the database has said anything, so the rows (or
     * the count) are what the deadline must bound.
     */
    private static final class DeadlineResult implements Result {

        private final DeadlineConnection connection;
        private final Result result;

        DeadlineResult(DeadlineConnection connection, Result result) {
            this.connection = connection;
            this.result = result;
        }

        @Override
        public Publisher<Long> getRowsUpdated() {
            return connection.signals(result.getRowsUpdated());
        }

        @Override
        public <T> Publisher<T> map(BiFunction<Row, RowMetadata, ? extends T> mapping) {
            return connection.signals(result.map(mapping));
        }

        @Override
        public <T> Publisher<T> map(Function<? super Readable, ? extends T> mapping) {
            return connection.signals(result.map(mapping));
        }

        @Override
        public Result filter(Predicate<Segment> filter) {
            return new DeadlineResult(connection, result.filter(filter));
        }

        @Override
        public <T> Publisher<T> flatMap(Function<Segment, ? extends Publisher<? extends T>> mapping) {
            return connection.signals(result.flatMap(mapping));
        }
    }

    private final class DeadlineStatement implements Statement {

        private final DeadlineConnection connection;
        private final Statement statement;

        DeadlineStatement(DeadlineConnection connection, Statement statement) {
            this.connection = connection;
            this.statement = statement;
        }

        @Override
        public Publisher<? extends Result> execute() {
            return connection.signals(statement.execute()).map(result -> new DeadlineResult(connection, result));
        }

        @Override
        public Statement add() {
            statement.add();
            return this;
        }

        @Override
        public Statement bind(int index, Object value) {
            statement.bind(index, value);
            return this;
        }

        @Override
        public Statement bind(String name, Object value) {
            statement.bind(name, value);
            return this;
        }

        @Override
        public Statement bindNull(int index, Class<?> type) {
            statement.bindNull(index, type);
            return this;
        }

        @Override
        public Statement bindNull(String name, Class<?> type) {
            statement.bindNull(name, type);
            return this;
        }

        @Override
        public Statement returnGeneratedValues(String... columns) {
            statement.returnGeneratedValues(columns);
            return this;
        }

        @Override
        public Statement fetchSize(int rows) {
            statement.fetchSize(rows);
            return this;
        }
    }
}
