package dev.dawg.platform.persistence;

import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.spi.ConnectionFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.r2dbc.dialect.DialectResolver;
import org.springframework.r2dbc.core.DatabaseClient;

import dev.dawg.platform.config.DawgProperties;

/**
 * The one {@link DatabaseClient}, on a pool whose every statement must answer within {@code DAWG_DB_QUERY_TIMEOUT}
 * ({@link DeadlineConnectionFactory}), so a database that hangs (or a connection that was black-holed) fails the
 * request fast with 503 instead of holding it; acquiring a connection is bounded separately by the pool
 * ({@code DAWG_DB_CONNECT_TIMEOUT}).
 */
@Configuration(proxyBeanMethods = false)
class DatabaseConfiguration {

    @Bean
    DatabaseClient databaseClient(ConnectionFactory connectionFactory) {
        return client(connectionFactory);
    }

    /** Puts the deadlines around the pool Spring Boot builds, before anything (clients, transactions) is given it. */
    @Bean
    static BeanPostProcessor statementDeadlines(ObjectProvider<DawgProperties> properties) {
        return new BeanPostProcessor() {
            @Override
            public Object postProcessAfterInitialization(Object bean, String name) {
                return bean instanceof ConnectionPool pool ? new DeadlineConnectionFactory(pool, properties.getObject().db().queryTimeout()) : bean;
            }
        };
    }

    static DatabaseClient client(ConnectionFactory connectionFactory) {
        return DatabaseClient.builder()
                .connectionFactory(connectionFactory)
                .bindMarkers(DialectResolver.getDialect(connectionFactory).getBindMarkersFactory())
                .build();
    }
}
