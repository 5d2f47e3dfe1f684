package dev.dawg.auth;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import dev.dawg.support.IntegrationTest;

/** Forges access tokens, good and bad, the way an attacker or a broken client would. */
public final class Tokens {

    private Tokens() {
    }

    public static JWTClaimsSet.Builder validClaims(UUID userId) {
        Instant now = Instant.now();
        return new JWTClaimsSet.Builder()
                .issuer("dawg-server")
                .audience(List.of("dawg-api"))
                .subject(userId.toString())
                .issueTime(Date.from(now))
                .notBeforeTime(Date.from(now))
                .expirationTime(Date.from(now.plusSeconds(600)))
                .jwtID(UUID.randomUUID().toString())
                .claim("username", "forged")
                .claim("roles", List.of("USER"));
    }

    public static String sign(JWTClaimsSet claims, String secret) {
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
            jwt.sign(new MACSigner(secret.getBytes(StandardCharsets.UTF_8)));
            return jwt.serialize();
        }
        catch (Exception ex) {
            throw new IllegalStateException(ex);
        }
    }

    public static String sign(JWTClaimsSet claims, String secret, JWSAlgorithm algorithm) {
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader(algorithm), claims);
            jwt.sign(new MACSigner(secret.getBytes(StandardCharsets.UTF_8)));
            return jwt.serialize();
        }
        catch (Exception ex) {
            throw new IllegalStateException(ex);
        }
    }

    /**
     * RS256 signed with the attacker's own RSA key (HS/RS confusion), optionally with that key embedded as a
     * {@code jwk} header or announced through a {@code jku} URL, hoping the server trusts the token's own word.
     */
    public static String signedByAttacker(UUID userId, boolean embedJwk, String jku) {
        try {
            com.nimbusds.jose.jwk.RSAKey key = new com.nimbusds.jose.jwk.gen.RSAKeyGenerator(2048).keyID("attacker").generate();
            JWSHeader.Builder header = new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("attacker");
            if (embedJwk) {
                header.jwk(key.toPublicJWK());
            }
            if (jku != null) {
                header.jwkURL(java.net.URI.create(jku));
            }
            SignedJWT jwt = new SignedJWT(header.build(), validClaims(userId).build());
            jwt.sign(new com.nimbusds.jose.crypto.RSASSASigner(key));
            return jwt.serialize();
        }
        catch (Exception ex) {
            throw new IllegalStateException(ex);
        }
    }

    /** HS256 with a hostile {@code kid} (path traversal, SQL), signed with the key such a lookup would yield. */
    public static String withKid(UUID userId, String kid, String keyMaterial) {
        try {
            byte[] key = java.util.Arrays.copyOf(keyMaterial.getBytes(StandardCharsets.UTF_8), 32);
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(kid).build(), validClaims(userId).build());
            jwt.sign(new MACSigner(key));
            return jwt.serialize();
        }
        catch (Exception ex) {
            throw new IllegalStateException(ex);
        }
    }

    public static String signed(UUID userId, Consumer<JWTClaimsSet.Builder> change) {
        JWTClaimsSet.Builder builder = validClaims(userId);
        change.accept(builder);
        return sign(builder.build(), IntegrationTest.JWT_SECRET);
    }

    /** An unsigned token ({@code alg: none}) with valid-looking claims. */
    public static String unsigned(UUID userId, String algName) {
        Base64.Encoder url = Base64.getUrlEncoder().withoutPadding();
        String header = url.encodeToString(("{\"alg\":\"" + algName + "\",\"typ\":\"JWT\"}").getBytes(StandardCharsets.UTF_8));
        String payload = url.encodeToString(validClaims(userId).build().toString().getBytes(StandardCharsets.UTF_8));
        return header + "." + payload + ".";
    }
}
