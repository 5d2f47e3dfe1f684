package dev.dawg.auth;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Set;

import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HS256 key that signs access tokens: {@code DAWG_JWT_SECRET} when set (at least 32 bytes), otherwise a
 * random key generated once and kept in the data directory, so tokens survive a restart.
 */
final class JwtSigningKey {

    private static final Logger log = LoggerFactory.getLogger(JwtSigningKey.class);
    private static final int MIN_BYTES = 32;

    private JwtSigningKey() {
    }

    static SecretKey load(String configuredSecret, Path dataDir) {
        if (!configuredSecret.isBlank()) {
            byte[] bytes = configuredSecret.getBytes(StandardCharsets.UTF_8);
            if (bytes.length < MIN_BYTES) {
                throw new IllegalStateException("DAWG_JWT_SECRET must be at least 32 bytes (256 bits); it is " + bytes.length);
            }
            return new SecretKeySpec(bytes, "HmacSHA256");
        }
        Path file = dataDir.resolve("keys").resolve("jwt-hs256.key");
        try {
            if (!Files.exists(file)) {
                generate(file);
            }
            byte[] key = Base64.getDecoder().decode(Files.readString(file).trim());
            return new SecretKeySpec(key, "HmacSHA256");
        }
        catch (IOException ex) {
            throw new UncheckedIOException("Cannot read or create the JWT key " + file + "; set DAWG_JWT_SECRET instead", ex);
        }
    }

    /**
     * Writes a new key to {@code file} unless another process (a second node on the same data directory starting
     * at the same moment) gets there first: then its key is kept, so both sign with the same one.
     */
    private static void generate(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        byte[] key = new byte[MIN_BYTES * 2];
        new SecureRandom().nextBytes(key);
        Path temporary = Files.createTempFile(file.getParent(), "jwt", ".tmp");
        try {
            restrictToOwner(temporary);
            Files.writeString(temporary, Base64.getEncoder().encodeToString(key));
            if (publish(temporary, file)) {
                log.info("Generated a JWT signing key in {}; set DAWG_JWT_SECRET so that every node shares one", file);
            }
            else {
                log.info("Another process generated the JWT signing key in {} at the same time; using that one", file);
            }
        }
        finally {
            Files.deleteIfExists(temporary);
        }
    }

    /** Puts the written key in place, never over an existing one; false when one was there already. */
    private static boolean publish(Path temporary, Path file) throws IOException {
        try {
            // A hard link fails when the name exists; a rename (even ATOMIC_MOVE, on POSIX) would replace it.
            Files.createLink(file, temporary);
            return true;
        }
        catch (FileAlreadyExistsException ex) {
            return false;
        }
        catch (UnsupportedOperationException | FileSystemException ex) {
            // No hard links on this file system: an atomic move, which some file systems refuse onto an existing name.
            try {
                Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE);
                return true;
            }
            catch (FileAlreadyExistsException raced) {
                return false;
            }
        }
    }

    private static void restrictToOwner(Path file) throws IOException {
        try {
            Files.setPosixFilePermissions(file, Set.of(java.nio.file.attribute.PosixFilePermission.OWNER_READ,
                    java.nio.file.attribute.PosixFilePermission.OWNER_WRITE));
        }
        catch (UnsupportedOperationException ex) {
            // Not a POSIX file system (Windows): the data directory's own permissions apply.
        }
    }
}
