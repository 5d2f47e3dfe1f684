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
