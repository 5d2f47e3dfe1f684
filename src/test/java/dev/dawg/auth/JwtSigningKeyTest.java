package dev.dawg.auth;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import javax.crypto.SecretKey;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** The generated signing key of embedded mode: made once, kept, and the same for everyone who starts at once. */
class JwtSigningKeyTest {

    @TempDir
    Path dataDir;

    @Test
    void shouldKeepTheGeneratedKeyAcrossRestarts() throws Exception {
        SecretKey first = JwtSigningKey.load("", dataDir);
        SecretKey again = JwtSigningKey.load("", dataDir);
        assertThat(again.getEncoded()).isEqualTo(first.getEncoded()).hasSize(64);
        assertThat(Files.list(dataDir.resolve("keys")).toList()).containsExactly(dataDir.resolve("keys").resolve("jwt-hs256.key"));
    }

    @Test
    void shouldGiveEveryoneGeneratingAtOnceTheSameKey() throws Exception {
        int starters = 6;
        ExecutorService nodes = Executors.newFixedThreadPool(starters);
        try {
            for (int round = 0; round < 20; round++) {
                Path dir = Files.createDirectory(dataDir.resolve("round-" + round));
                CyclicBarrier together = new CyclicBarrier(starters);
                List<Future<byte[]>> keys = new ArrayList<>();
                for (int i = 0; i < starters; i++) {
                    keys.add(nodes.submit(() -> {
                        together.await();
                        return JwtSigningKey.load("", dir).getEncoded();
                    }));
                }
                List<byte[]> loaded = new ArrayList<>();
                for (Future<byte[]> key : keys) {
                    loaded.add(key.get(30, TimeUnit.SECONDS));
                }
                byte[] onDisk = Base64.getDecoder().decode(Files.readString(dir.resolve("keys").resolve("jwt-hs256.key")).trim());
                assertThat(loaded).allSatisfy(key -> assertThat(key).isEqualTo(onDisk));
                // No temporary file is left behind by the ones that lost.
                assertThat(Files.list(dir.resolve("keys")).count()).isEqualTo(1);
            }
        }
        finally {
            nodes.shutdownNow();
        }
    }
}
