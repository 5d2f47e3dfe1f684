package dev.dawg.platform.embedded;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import redis.embedded.RedisServer;

/** A Redis server binary (codemonstur embedded-redis) with its append-only file in the data directory. */
final class EmbeddedRedisServer implements EmbeddedServer {

    private final RedisServer server;
    private final int port;

    private EmbeddedRedisServer(RedisServer server, int port) {
        this.server = server;
        this.port = port;
    }

    static EmbeddedRedisServer start(Path directory) throws IOException {
        Files.createDirectories(directory);
        Path pidFile = directory.resolve("redis.pid");
        StalePidFile.stopOwnerOf(pidFile);
        int port = freePort();
        RedisServer server = RedisServer.newRedisServer()
                .port(port)
                .bind("127.0.0.1")
                .setting("dir " + directory.toAbsolutePath())
                .setting("pidfile " + pidFile.toAbsolutePath())
                .setting("appendonly yes")
                .setting("save \"\"")
                .setting("daemonize no")
                .build();
        for (int attempt = 1; ; attempt++) {
            try {
                server.start();
                return new EmbeddedRedisServer(server, port);
            }
            catch (IOException ex) {
                // error=26, "Text file busy": a process forked at that moment by another thread (PostgreSQL starts beside
                // Redis) inherited the binary the library had just written, open; it lets go once that child has exec'd.
                if (attempt == 5 || !textFileBusy(ex)) {
                    throw ex;
                }
                try {
                    Thread.sleep(100L * attempt);
                }
                catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw ex;
                }
            }
        }
    }

    private static boolean textFileBusy(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause.getMessage() != null && cause.getMessage().contains("error=26")) {
                return true;
            }
        }
        return false;
    }

    @Override
    public Map<String, Object> connectionProperties() {
        return Map.of("dawg.redis.url", "redis://127.0.0.1:" + port);
    }

    @Override
    public String summary() {
        return "Embedded Redis on 127.0.0.1:" + port + "; set DAWG_REDIS_URL to use your own";
    }

    @Override
    public void close() throws IOException {
        server.stop();
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
