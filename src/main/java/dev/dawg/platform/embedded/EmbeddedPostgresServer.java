package dev.dawg.platform.embedded;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/** Real PostgreSQL binaries (zonky) run from the data directory, so projects survive a restart. */
final class EmbeddedPostgresServer implements EmbeddedServer {

    private final EmbeddedPostgres postgres;

    private EmbeddedPostgresServer(EmbeddedPostgres postgres) {
        this.postgres = postgres;
    }

    static EmbeddedPostgresServer start(Path directory) throws IOException {
        Files.createDirectories(directory);
        StalePidFile.stopOwnerOf(directory.resolve("postmaster.pid"));
        EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                .setDataDirectory(directory)
                .setCleanDataDirectory(false)
                // zonky turns synchronous_commit off for speed; an acknowledged write must survive a crash.
                .setServerConfig("synchronous_commit", "on")
                .setServerConfig("listen_addresses", "127.0.0.1")
                .setServerConfig("max_connections", "200")
                .setPGStartupWait(Duration.ofSeconds(60))
                .start();
        return new EmbeddedPostgresServer(postgres);
    }

    @Override
    public Map<String, Object> connectionProperties() {
        return Map.of("dawg.db.url", "postgresql://127.0.0.1:" + postgres.getPort() + "/postgres",
                "dawg.db.user", "postgres", "dawg.db.password", "");
    }

    @Override
    public String summary() {
        return "Embedded PostgreSQL on 127.0.0.1:" + postgres.getPort() + "; set DAWG_DB_URL to use your own";
    }

    @Override
    public void close() throws IOException {
        postgres.close();
    }
}
