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

    /** Every kind of bad access token the server must refuse, for {@link #forged}. */
    public static java.util.stream.Stream<String> forgeries() {
        return java.util.stream.Stream.of("expired", "not-yet-valid", "missing-exp", "wrong-issuer", "wrong-audience", "wrong-key",
                "tampered", "alg-none", "alg-None", "alg-NONE", "stripped-signature", "garbage", "rs256-attacker-key",
                "hs512-right-secret", "embedded-jwk", "jku-injection", "kid-injection", "refresh-token");
    }

    /** A bad access token of the given kind for {@code user} (see {@link #forgeries}). */
    public static String forged(String kind, dev.dawg.support.Api.User user) {
        return switch (kind) {
            case "expired" -> Tokens.signed(user.id(), c -> c.expirationTime(new java.util.Date(System.currentTimeMillis() - 3_600_000)));
            case "not-yet-valid" -> Tokens.signed(user.id(), c -> c.notBeforeTime(new java.util.Date(System.currentTimeMillis() + 3_600_000)));
            case "missing-exp" -> Tokens.signed(user.id(), c -> c.expirationTime(null));
            case "wrong-issuer" -> Tokens.signed(user.id(), c -> c.issuer("someone-else"));
            case "wrong-audience" -> Tokens.signed(user.id(), c -> c.audience("other-api"));
            case "wrong-key" -> Tokens.sign(Tokens.validClaims(user.id()).build(), "another-secret-that-is-long-enough-0123456789");
            case "tampered" -> {
                String[] parts = user.accessToken().split("\\.");
                String payload = new String(java.util.Base64.getUrlDecoder().decode(parts[1])).replace("\"USER\"", "\"ADMIN\"");
                yield parts[0] + "." + java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(payload.getBytes()) + "." + parts[2];
            }
            case "alg-none" -> Tokens.unsigned(user.id(), "none");
            case "alg-None" -> Tokens.unsigned(user.id(), "None");
            case "alg-NONE" -> Tokens.unsigned(user.id(), "NONE");
            case "stripped-signature" -> user.accessToken().substring(0, user.accessToken().lastIndexOf('.') + 1);
            case "rs256-attacker-key" -> Tokens.signedByAttacker(user.id(), false, null);
            case "embedded-jwk" -> Tokens.signedByAttacker(user.id(), true, null);
            case "jku-injection" -> Tokens.signedByAttacker(user.id(), false, "https://attacker.example/jwks.json");
            case "hs512-right-secret" -> Tokens.sign(Tokens.validClaims(user.id()).build(), IntegrationTest.JWT_SECRET + IntegrationTest.JWT_SECRET,
                    com.nimbusds.jose.JWSAlgorithm.HS512);
            case "kid-injection" -> Tokens.withKid(user.id(), "../../../../../dev/null' UNION SELECT 'key", "");
            case "refresh-token" -> user.refreshToken();
            default -> "not.a.jwt";
        };
    }
}
