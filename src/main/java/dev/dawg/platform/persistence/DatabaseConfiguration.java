package dev.dawg.platform.persistence;

import java.time.Duration;

import io.r2dbc.spi.ConnectionFactory;
import reactor.core.publisher.Flux;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.r2dbc.dialect.DialectResolver;
import org.springframework.r2dbc.core.DatabaseClient;

import dev.dawg.platform.config.DawgProperties;

/**
 * The one {@link DatabaseClient}: every statement must answer within {@code DAWG_DB_QUERY_TIMEOUT}, so a
 * database that hangs (or a connection that was black-holed) fails the request fast with 503 instead of
 * holding it; acquiring a connection is bounded separately by the pool ({@code DAWG_DB_CONNECT_TIMEOUT}).
 */
@Configuration(proxyBeanMethods = false)
class DatabaseConfiguration {

    @Bean
    DatabaseClient databaseClient(ConnectionFactory connectionFactory, DawgProperties properties) {
        return client(connectionFactory, properties.db().queryTimeout());
    }

    static DatabaseClient client(ConnectionFactory connectionFactory, Duration timeout) {
        return DatabaseClient.builder()
                .connectionFactory(connectionFactory)
                .bindMarkers(DialectResolver.getDialect(connectionFactory).getBindMarkersFactory())
                .executeFunction(statement -> Flux.from(statement.execute()).timeout(timeout))
                .build();
    }
}
