package dev.dawg.platform.persistence;

import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.Wrapped;

/** The driver's own connection factory, under the pool and its wrappers. */
public final class DriverConnections {

    private DriverConnections() {
    }

    /** For a connection the pool must never lend out, such as one that LISTENs for as long as it lives. */
    public static ConnectionFactory under(ConnectionFactory factory) {
        ConnectionFactory current = factory;
        while (current instanceof Wrapped<?> wrapped && wrapped.unwrap() instanceof ConnectionFactory inner) {
            current = inner;
        }
        return current;
    }
}
