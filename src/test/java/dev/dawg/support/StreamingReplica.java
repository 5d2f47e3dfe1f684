package dev.dawg.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Comparator;
import java.util.Set;
import java.util.stream.Stream;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * A real PostgreSQL primary with a real streaming replica (hot standby), both embedded, for the read-replica
 * tests. The replica is made the way an operator makes one by hand: a low-level base backup of the primary's
 * data directory taken between {@code pg_backup_start} and {@code pg_backup_stop}, a physical replication slot
 * so that no WAL it needs is recycled, then {@code standby.signal} and {@code primary_conninfo}.
 */
public final class StreamingReplica implements AutoCloseable {

    private static final String SLOT = "dawg_replica";
    /** Never copied from a running primary: its process state, and WAL (streamed from the slot instead). */
    private static final Set<String> SKIPPED = Set.of("postmaster.pid", "postmaster.opts", "pg_wal", "pg_replslot");

    private final EmbeddedPostgres primary;
    private final EmbeddedPostgres replica;
    private final Path replicaDirectory;

    private StreamingReplica(EmbeddedPostgres primary, EmbeddedPostgres replica, Path replicaDirectory) {
        this.primary = primary;
        this.replica = replica;
        this.replicaDirectory = replicaDirectory;
    }

    public static StreamingReplica start() throws IOException, SQLException {
        EmbeddedPostgres primary = EmbeddedPostgres.builder()
                .setServerConfig("wal_level", "replica")
                .setServerConfig("max_wal_senders", "4")
                .setServerConfig("max_replication_slots", "4")
                .start();
        Path replicaDirectory = Files.createTempDirectory("dawg-replica-");
        try (Connection connection = primary.getPostgresDatabase().getConnection(); Statement sql = connection.createStatement()) {
            Path primaryDirectory = Path.of(single(sql, "SHOW data_directory"));
            sql.execute("SELECT pg_create_physical_replication_slot('" + SLOT + "', true)");
            sql.execute("SELECT pg_backup_start('dawg-replica', true)");
            copy(primaryDirectory, replicaDirectory);
            String backupLabel = single(sql, "SELECT labelfile FROM pg_backup_stop(false)");
            Files.writeString(replicaDirectory.resolve("backup_label"), backupLabel);
        }
        Files.createDirectories(replicaDirectory.resolve("pg_wal").resolve("archive_status"));
        Files.createDirectories(replicaDirectory.resolve("pg_replslot"));
        Files.writeString(replicaDirectory.resolve("standby.signal"), "");
        Files.writeString(replicaDirectory.resolve("postgresql.auto.conf"), "\nprimary_conninfo = 'host=127.0.0.1 port="
                + primary.getPort() + " user=postgres'\nprimary_slot_name = '" + SLOT + "'\n",
                java.nio.file.StandardOpenOption.APPEND);
        EmbeddedPostgres replica = EmbeddedPostgres.builder()
                .setDataDirectory(replicaDirectory)
                .setCleanDataDirectory(false)
                .setServerConfig("hot_standby", "on")
                .setPGStartupWait(Duration.ofSeconds(60))
                .start();
        return new StreamingReplica(primary, replica, replicaDirectory);
    }

    public EmbeddedPostgres primary() {
        return primary;
    }

    public EmbeddedPostgres replica() {
        return replica;
    }

    public String primaryUrl() {
        return "postgresql://127.0.0.1:" + primary.getPort() + "/postgres";
    }

    public String replicaUrl() {
        return "postgresql://127.0.0.1:" + replica.getPort() + "/postgres";
    }

    /** Runs {@code statement} on the replica (for example pausing or resuming the replay of WAL). */
    public void onReplica(String statement) {
        try (Connection connection = replica.getPostgresDatabase().getConnection(); Statement sql = connection.createStatement()) {
            sql.execute(statement);
        }
        catch (SQLException ex) {
            throw new IllegalStateException(statement + " failed on the replica", ex);
        }
    }

    public String queryReplica(String query) {
        try (Connection connection = replica.getPostgresDatabase().getConnection(); Statement sql = connection.createStatement()) {
            return single(sql, query);
        }
        catch (SQLException ex) {
            throw new IllegalStateException(query + " failed on the replica", ex);
        }
    }

    @Override
    public void close() throws IOException {
        try {
            replica.close();
        }
        finally {
            primary.close();
            try (Stream<Path> paths = Files.walk(replicaDirectory)) {
                paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
    }

    private static String single(Statement sql, String query) throws SQLException {
        try (ResultSet rows = sql.executeQuery(query)) {
            rows.next();
            return rows.getString(1);
        }
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            paths.forEach(source -> {
                Path relative = from.relativize(source);
                if (relative.getNameCount() > 0 && SKIPPED.contains(relative.getName(0).toString())) {
                    return;
                }
                try {
                    Path target = to.resolve(relative.toString());
                    if (Files.isDirectory(source)) {
                        Files.createDirectories(target);
                    }
                    else {
                        Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
                    }
                }
                catch (java.nio.file.NoSuchFileException vanished) {
                    // A file the running primary removed meanwhile: the WAL replay recreates what matters.
                }
                catch (IOException ex) {
                    throw new UncheckedIOException(ex);
                }
            });
        }
    }
}
