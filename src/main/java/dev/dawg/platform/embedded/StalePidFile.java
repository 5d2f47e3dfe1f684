package dev.dawg.platform.embedded;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stops an embedded server left running by a previous JVM that was killed (kill -9 leaves the child
 * process alive, holding the data directory), so the next start can take the directory over.
 */
final class StalePidFile {

    private static final Logger log = LoggerFactory.getLogger(StalePidFile.class);

    private StalePidFile() {
    }

    static void stopOwnerOf(Path pidFile) throws IOException {
        if (!Files.isRegularFile(pidFile)) {
            return;
        }
        List<String> lines = Files.readAllLines(pidFile);
        Optional<ProcessHandle> owner = lines.isEmpty() ? Optional.empty() : parse(lines.get(0).trim());
        if (owner.isPresent() && owner.get().isAlive()) {
            ProcessHandle process = owner.get();
            log.warn("Stopping embedded server process {} left running by a previous start ({})", process.pid(), pidFile);
            process.destroy();
            try {
                process.onExit().get(30, TimeUnit.SECONDS);
            }
            catch (Exception ex) {
                process.destroyForcibly();
            }
        }
    }

    private static Optional<ProcessHandle> parse(String pid) {
        try {
            return ProcessHandle.of(Long.parseLong(pid));
        }
        catch (NumberFormatException ex) {
            return Optional.empty();
        }
    }
}
