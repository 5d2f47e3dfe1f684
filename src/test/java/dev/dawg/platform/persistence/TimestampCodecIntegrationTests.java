package dev.dawg.platform.persistence;

import java.lang.reflect.Field;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.ServiceLoader;

import io.r2dbc.postgresql.extension.Extension;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.beans.factory.annotation.Autowired;

import dev.dawg.support.IntegrationTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What {@link TimestampCodec} reads from a real PostgreSQL is the instant and offset PostgreSQL meant, in session
 * time zones with odd offsets (half and quarter hours, a local mean time to the second), for years the fast path
 * reads and those it leaves to the full format (BC, five digits).
 */
@IntegrationTest
class TimestampCodecIntegrationTests {

    static final Duration WAIT = Duration.ofSeconds(10);
    static final List<String> VALUES = List.of("2026-12-07 13:52:20.123456+00", "2026-12-07 13:52:20.1+00", "2026-12-07 13:52:20+00",
            "2026-03-29 01:30:00+00", "1900-01-01 00:00:00+00", "1970-01-01 00:00:00.000001+00", "0001-01-01 00:00:00+00",
            "0044-03-15 12:00:00.5+00 BC", "4713-01-01 00:00:00+00 BC", "12345-06-07 08:09:10.11+00");

    @Autowired
    ConnectionFactory appPool;

    @Test
    void shouldBeFirstAmongTheCodecsOfTheAppsConnections() {
        assertThat(ServiceLoader.load(Extension.class).stream().map(ServiceLoader.Provider::type))
                .contains(TimestampCodec.Registrar.class);
        // The driver does not expose a connection's codecs; TimestampCodecTest shows that first is what its lookup picks.
        Iterable<?> registered = Mono.usingWhen(Mono.from(DriverConnections.under(appPool).create()),
                        connection -> Mono.fromCallable(() -> (Iterable<?>) codecsOf(connection)), Connection::close)
                .block(WAIT);
        assertThat(registered.iterator().next()).isInstanceOf(TimestampCodec.class);
    }

    @ParameterizedTest
    @ValueSource(strings = { "UTC", "Asia/Kolkata", "America/St_Johns", "Asia/Kathmandu", "Europe/Amsterdam", "Pacific/Chatham" })
    void shouldReadTheInstantAndOffsetPostgresWroteInEachSessionTimeZone(String zone) {
        String sql = "SELECT t, (extract(epoch FROM t) * 1000000)::bigint AS micros, extract(timezone FROM t)::int AS offset_seconds"
                + " FROM unnest($1::text[]::timestamptz[]) t";
        List<Object[]> rows = Flux.usingWhen(Mono.from(DriverConnections.under(appPool).create()),
                        connection -> Mono.from(connection.createStatement("SET TIME ZONE '" + zone + "'").execute())
                                .flatMap(result -> Mono.from(result.getRowsUpdated())).thenMany(select(connection, sql)),
                        Connection::close)
                .collectList().block(WAIT);

        assertThat(rows).hasSize(VALUES.size()).allSatisfy(row -> {
            OffsetDateTime read = (OffsetDateTime) row[0];
            long instantMicros = Math.addExact(Math.multiplyExact(read.toEpochSecond(), 1_000_000L), read.getNano() / 1_000);
            assertThat(instantMicros).as("instant of %s", read).isEqualTo(row[1]);
            assertThat(read.getOffset().getTotalSeconds()).as("offset of %s", read).isEqualTo(row[2]);
        });
    }

    @Test
    void shouldLeaveTimestampParametersToTheDriversCodec() {
        OffsetDateTime written = OffsetDateTime.parse("2026-12-07T13:52:20.123456+05:30");
        OffsetDateTime read = Flux.usingWhen(Mono.from(DriverConnections.under(appPool).create()),
                        connection -> Flux.from(connection.createStatement("SELECT $1::timestamptz").bind("$1", written).execute())
                                .flatMap(result -> result.map((row, metadata) -> row.get(0, OffsetDateTime.class))),
                        Connection::close)
                .single().block(WAIT);
        assertThat(read.toInstant()).isEqualTo(written.toInstant());
    }

    @Test
    void shouldReadInfinityAsTheDriverDoes() {
        List<OffsetDateTime> read = Flux.usingWhen(Mono.from(DriverConnections.under(appPool).create()),
                        connection -> Flux.from(connection.createStatement("SELECT unnest(ARRAY['infinity', '-infinity']::timestamptz[])").execute())
                                .flatMap(result -> result.map((row, metadata) -> row.get(0, OffsetDateTime.class))),
                        Connection::close)
                .collectList().block(WAIT);
        assertThat(read).containsExactly(OffsetDateTime.MAX, OffsetDateTime.MIN);
    }

    private static Object codecsOf(Connection connection) throws ReflectiveOperationException {
        Field codecs = connection.getClass().getDeclaredField("codecs");
        codecs.setAccessible(true);
        return codecs.get(connection);
    }

    private static Flux<Object[]> select(Connection connection, String sql) {
        return Flux.from(connection.createStatement(sql).bind("$1", VALUES.toArray(String[]::new)).execute())
                .flatMap(result -> result.map((row, metadata) -> new Object[] {
                        row.get("t", OffsetDateTime.class), row.get("micros", Long.class), row.get("offset_seconds", Integer.class) }));
    }
}
