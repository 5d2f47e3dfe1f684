package dev.dawg.auth;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;

import static org.assertj.core.api.Assertions.assertThat;

/** The memory of verified access tokens: it saves the signature check, never a validity check. */
class VerifiedTokensTest {

    private final AtomicInteger verifications = new AtomicInteger();
    private final AtomicBoolean expired = new AtomicBoolean();
    private final Jwt jwt = Jwt.withTokenValue("token").header("alg", "HS256").subject("someone").jti("token-id")
            .issuedAt(Instant.now()).expiresAt(Instant.now().plusSeconds(900)).build();

    /** Verifies "token" (and nothing else), refusing it once it has "expired". */
    private final ReactiveJwtDecoder verifier = token -> {
        verifications.incrementAndGet();
        if (!"token".equals(token) || expired.get()) {
            return Mono.error(new BadJwtException("refused"));
        }
        return Mono.just(jwt);
    };
    private final OAuth2TokenValidator<Jwt> validator = token -> expired.get()
            ? OAuth2TokenValidatorResult.failure(new OAuth2Error("invalid_token", "expired", null))
            : OAuth2TokenValidatorResult.success();

    @Test
    void shouldVerifyASignatureOnceAndValidateOnEveryUse() {
        AccessTokens.VerifiedTokens tokens = new AccessTokens.VerifiedTokens(verifier, validator, Duration.ofMinutes(15));

        for (int i = 0; i < 3; i++) {
            StepVerifier.create(tokens.decode("token")).expectNext(jwt).verifyComplete();
        }

        assertThat(verifications).hasValue(1);
    }

    @Test
    void shouldStopAcceptingARememberedTokenOnceItIsNoLongerValid() {
        AccessTokens.VerifiedTokens tokens = new AccessTokens.VerifiedTokens(verifier, validator, Duration.ofMinutes(15));
        StepVerifier.create(tokens.decode("token")).expectNext(jwt).verifyComplete();

        expired.set(true);

        StepVerifier.create(tokens.decode("token")).expectError(BadJwtException.class).verify();
        StepVerifier.create(tokens.decode("token")).expectError(BadJwtException.class).verify();
        assertThat(verifications).as("each refusal is the full check's").hasValue(3);
    }

    @Test
    void shouldNeverRememberARefusedToken() {
        AccessTokens.VerifiedTokens tokens = new AccessTokens.VerifiedTokens(verifier, validator, Duration.ofMinutes(15));

        StepVerifier.create(tokens.decode("forged")).expectError(BadJwtException.class).verify();
        StepVerifier.create(tokens.decode("forged")).expectError(BadJwtException.class).verify();

        assertThat(verifications).hasValue(2);
    }

    @Test
    void shouldRefuseARememberedTokenOnceItIsRevoked() {
        java.util.Set<String> revokedHere = java.util.concurrent.ConcurrentHashMap.newKeySet();
        java.util.Set<String> revokedShared = java.util.concurrent.ConcurrentHashMap.newKeySet();
        AccessTokens.RevocationCheck revocations = new AccessTokens.RevocationCheck() {
            @Override
            public boolean revokedHere(String tokenId) {
                return revokedHere.contains(tokenId);
            }

            @Override
            public Mono<Boolean> revoked(String tokenId) {
                return Mono.just(revokedHere.contains(tokenId) || revokedShared.contains(tokenId));
            }
        };
        AccessTokens.VerifiedTokens tokens = new AccessTokens.VerifiedTokens(verifier, validator, Duration.ofMinutes(15), revocations);
        StepVerifier.create(tokens.decode("token")).expectNext(jwt).verifyComplete();
        assertThat(tokens.remembered("token").jwt()).isEqualTo(jwt);

        // Revoked on another node, not yet heard of here: the shared list refuses it on every decode.
        revokedShared.add("token-id");
        StepVerifier.create(tokens.decode("token")).expectError(BadJwtException.class).verify();

        // Heard of here: what cannot wait (the fast path) does not find it remembered either.
        revokedHere.add("token-id");
        assertThat(tokens.remembered("token")).isNull();
        StepVerifier.create(tokens.decode("token")).expectError(BadJwtException.class).verify();
    }

    @Test
    void shouldReadTheCallerOnceWhenTheTokenIsVerified() {
        java.util.UUID id = java.util.UUID.randomUUID();
        Jwt named = Jwt.withTokenValue("named").header("alg", "HS256").subject(id.toString()).claim(AccessTokens.USERNAME_CLAIM, "ana")
                .claim(AccessTokens.ROLES_CLAIM, java.util.List.of("USER")).jti("named-id")
                .issuedAt(Instant.now()).expiresAt(Instant.now().plusSeconds(900)).build();
        AccessTokens.VerifiedTokens tokens = new AccessTokens.VerifiedTokens(token -> Mono.just(named), validator, Duration.ofMinutes(15));

        Jwt decoded = tokens.decode("named").block();

        CurrentUser caller = tokens.callerOf(decoded);
        assertThat(caller).isEqualTo(CurrentUser.fromAccessToken(id, "ana", java.util.Set.of(dev.dawg.users.Role.USER)));
        assertThat(tokens.callerOf(tokens.decode("named").block())).as("the same reading, not a new one").isSameAs(caller);
        assertThat(tokens.remembered("named").caller()).isSameAs(caller);
        // Claims this decoder did not answer with are not taken for the remembered ones.
        assertThat(tokens.callerOf(Jwt.withTokenValue("named").header("alg", "HS256").subject(id.toString()).build())).isNull();
    }

    @Test
    void shouldCheckTheTimeLimitsOfARememberedTokenOnEveryUse() {
        Instant now = Instant.parse("2026-12-07T12:00:00Z");
        Jwt shortLived = Jwt.withTokenValue("token").header("alg", "HS256").subject("someone").jti("token-id")
                .issuedAt(now).notBefore(now).expiresAt(now.plusSeconds(60)).build();
        org.springframework.security.oauth2.jwt.JwtTimestampValidator timestamps = new org.springframework.security.oauth2.jwt.JwtTimestampValidator(Duration.ZERO);
        timestamps.setClock(java.time.Clock.fixed(now.plusSeconds(30), java.time.ZoneOffset.UTC));
        AccessTokens.VerifiedTokens tokens = new AccessTokens.VerifiedTokens(token -> {
            verifications.incrementAndGet();
            return Mono.just(shortLived);
        }, timestamps, Duration.ofMinutes(15));
        StepVerifier.create(tokens.decode("token")).expectNext(shortLived).verifyComplete();
        assertThat(tokens.remembered("token")).isNotNull();

        timestamps.setClock(java.time.Clock.fixed(now.plusSeconds(61), java.time.ZoneOffset.UTC));

        assertThat(tokens.remembered("token")).as("expired a second ago").isNull();
        timestamps.setClock(java.time.Clock.fixed(now.minusSeconds(1), java.time.ZoneOffset.UTC));
        assertThat(tokens.remembered("token")).as("not valid yet").isNull();
    }
}
