package dev.dawg.platform.embedded;

import java.net.URI;

/**
 * A PostgreSQL location given as {@code postgresql://host:port/db[?params]} (a {@code jdbc:} or
 * {@code r2dbc:} prefix is accepted too), rendered for R2DBC and for Flyway's JDBC driver.
 */
record DatabaseUrl(String hostPortDbAndParams) {

    static DatabaseUrl parse(String url) {
        String value = url.trim();
        for (String prefix : new String[] { "jdbc:", "r2dbc:" }) {
            if (value.startsWith(prefix)) {
                value = value.substring(prefix.length());
            }
        }
        if (value.startsWith("postgres://")) {
            value = "postgresql://" + value.substring("postgres://".length());
        }
        if (!value.startsWith("postgresql://")) {
            throw new IllegalArgumentException("DAWG_DB_URL must look like postgresql://host:port/database, got '" + url + "'");
        }
        URI uri = URI.create(value);
        if (uri.getHost() == null || uri.getPath() == null || uri.getPath().length() < 2) {
            throw new IllegalArgumentException("DAWG_DB_URL must name a host and a database: postgresql://host:port/database, got '" + url + "'");
        }
        return new DatabaseUrl(value.substring("postgresql://".length()));
    }

    String plain() {
        return "postgresql://" + hostPortDbAndParams;
    }

    String r2dbc() {
        return "r2dbc:postgresql://" + hostPortDbAndParams;
    }

    String jdbc() {
        return "jdbc:postgresql://" + hostPortDbAndParams;
    }
}
