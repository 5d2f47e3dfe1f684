package dev.dawg.platform.embedded;

import java.util.Map;

/**
 * A dependency started in-process or as a child process; its library classes are only touched through
 * this interface, so a production build without them never loads them.
 */
interface EmbeddedServer extends AutoCloseable {

    /** The {@code dawg.*} properties that point the application at this server. */
    Map<String, Object> connectionProperties();

    /** One line for the start-up log: what runs where, and which variable replaces it. */
    String summary();
}
