package dev.dawg.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import javax.crypto.SecretKey;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.nimbusds.jose.jwk.source.ImmutableSecret;
import reactor.core.publisher.Mono;

import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jose.jws.MacAlgorithm;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.JwsHeader;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimNames;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.jwt.JwtEncoder;
import org.springframework.security.oauth2.jwt.JwtEncoderParameters;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;
import org.springframework.security.oauth2.jwt.NimbusReactiveJwtDecoder;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.stereotype.Component;

import dev.dawg.platform.config.DawgProperties;
import dev.dawg.users.Role;

/**
 * Issues and verifies the short-lived access tokens (HS256 JWTs through Nimbus). Verification keeps Spring's
 * default validators (timestamps) and adds what they leave out: issuer, audience and a required expiry.
 */
@Component
public class AccessTokens {

    static final String ROLES_CLAIM = "roles";
    static final String USERNAME_CLAIM = "username";

    private final JwtEncoder encoder;
    private final VerifiedTokens decoder;
    private final DawgProperties.Auth settings;
    private final Clock clock;

    AccessTokens(DawgProperties properties, AccessTokenRevocations revocations) {
        this.settings = properties.auth();
        this.clock = Clock.systemUTC();
        SecretKey key = JwtSigningKey.load(settings.jwtSecret(), properties.dataDir());
        this.encoder = new NimbusJwtEncoder(new ImmutableSecret<>(key));
        NimbusReactiveJwtDecoder nimbus = NimbusReactiveJwtDecoder.withSecretKey(key).macAlgorithm(MacAlgorithm.HS256).build();
        nimbus.setJwtValidator(validator(settings));
        // Once the signature is verified, only the token's time limits can change: issuer, audience and subject are signed.
        this.decoder = new VerifiedTokens(nimbus, new JwtTimestampValidator(), settings.maxAccessTokenTtl(), revocations);
    }

    static OAuth2TokenValidator<Jwt> validator(DawgProperties.Auth settings) {
        // setJwtValidator replaces the defaults, so they are composed back in first.
        return new DelegatingOAuth2TokenValidator<>(List.of(
                JwtValidators.createDefault(),
                new JwtIssuerValidator(settings.issuer()),
                new JwtClaimValidator<List<String>>(JwtClaimNames.AUD, aud -> aud != null && aud.contains(settings.audience())),
                new JwtClaimValidator<Instant>(JwtClaimNames.EXP, Objects::nonNull),
                new JwtClaimValidator<String>(JwtClaimNames.SUB, sub -> sub != null && !sub.isBlank())));
    }

    public IssuedToken issue(UUID userId, String username, Set<Role> roles) {
        return issue(userId, username, roles, settings.accessTokenTtl());
    }

    /** A token living {@code ttl}, at most {@code DAWG_MAX_ACCESS_TOKEN_TTL} (revocations are remembered that long). */
    public IssuedToken issue(UUID userId, String username, Set<Role> roles, Duration ttl) {
        if (ttl.isNegative() || ttl.isZero() || ttl.compareTo(settings.maxAccessTokenTtl()) > 0) {
            throw new IllegalArgumentException("An access token lives more than 0 and at most " + settings.maxAccessTokenTtl() + ", not " + ttl);
        }
        Instant now = clock.instant();
        Instant expiresAt = now.plus(ttl);
        JwtClaimsSet claims = JwtClaimsSet.builder()
                .issuer(settings.issuer())
                .audience(List.of(settings.audience()))
                .subject(userId.toString())
                .issuedAt(now)
                .notBefore(now)
                .expiresAt(expiresAt)
                .id(UUID.randomUUID().toString())
                .claim(USERNAME_CLAIM, username)
                .claim(ROLES_CLAIM, roles.stream().map(Role::name).sorted().toList())
                .build();
        String token = encoder.encode(JwtEncoderParameters.from(JwsHeader.with(MacAlgorithm.HS256).type("JWT").build(), claims))
                .getTokenValue();
        return new IssuedToken(token, ttl.toSeconds());
    }

    /** The longest an access token may live. */
    public Duration maxTtl() {
        return settings.maxAccessTokenTtl();
    }

    public ReactiveJwtDecoder decoder() {
        return decoder;
    }

    /**
     * The caller a token names if it was verified before and is still valid, without waiting for anything;
     * empty when the token must go through the full check (unknown, expired or malformed).
     */
    public Optional<CurrentUser> rememberedCaller(String token) {
        Verified known = decoder.remembered(token);
        return known == null ? Optional.empty() : Optional.ofNullable(known.caller());
    }

    /** The caller a token verified by {@link #decoder()} names: read from its claims when it was verified, not on each use. */
    CurrentUser callerOf(Jwt jwt) {
        CurrentUser caller = decoder.callerOf(jwt);
        return caller != null ? caller : toCurrentUser(jwt);
    }

    /** The caller a verified access token names (the realtime hub authenticates its WebSockets with this too). */
    public static CurrentUser toCurrentUser(Jwt jwt) {
        Set<Role> roles = EnumSet.noneOf(Role.class);
        List<String> claimed = jwt.getClaimAsStringList(ROLES_CLAIM);
        if (claimed != null) {
            claimed.forEach(name -> {
                try {
                    roles.add(Role.valueOf(name));
                }
                catch (IllegalArgumentException ignored) {
                    // A role this version does not know grants nothing.
                }
            });
        }
        return CurrentUser.fromAccessToken(UUID.fromString(jwt.getSubject()), jwt.getClaimAsString(USERNAME_CLAIM), roles);
    }

    /** Whether a token was ended before its expiry (logout), by its {@code jti}. */
    interface RevocationCheck {

        RevocationCheck NONE = new RevocationCheck() {
            @Override
            public boolean revokedHere(String tokenId) {
                return false;
            }

            @Override
            public Mono<Boolean> revoked(String tokenId) {
                return Mono.just(false);
            }
        };

        /** What this node knows, without waiting for anything. */
        boolean revokedHere(String tokenId);

        /** This node's knowledge, then the list all nodes share. */
        Mono<Boolean> revoked(String tokenId);
    }

    /** A verified token's claims and the caller they name (null when its subject is no user id). */
    record Verified(Jwt jwt, CurrentUser caller) {

        static Verified of(Jwt jwt) {
            try {
                return new Verified(jwt, toCurrentUser(jwt));
            }
            catch (IllegalArgumentException malformed) {
                return new Verified(jwt, null);
            }
        }
    }

    /**
     * Remembers the tokens already verified, with the caller each names: a client sends the same access token on
     * every request for its whole life, and checking its signature (Base64, JSON, HMAC) was a tenth of a cached read's
     * CPU. A remembered token is validated again on every use ({@code validator}: its expiry and not-before), so it
     * stops working exactly when it would have; only tokens whose signature was verified are ever remembered. A
     * revoked token is refused on every use too, remembered or not: by this node's memory of revocations where
     * nothing may wait (the fast path), and by the shared list too on every {@link #decode}.
     */
    static final class VerifiedTokens implements ReactiveJwtDecoder {

        private final ReactiveJwtDecoder verifier;
        private final OAuth2TokenValidator<Jwt> validator;
        private final Cache<String, Verified> verified;
        private final RevocationCheck revocations;

        VerifiedTokens(ReactiveJwtDecoder verifier, OAuth2TokenValidator<Jwt> validator, Duration lifetime) {
            this(verifier, validator, lifetime, RevocationCheck.NONE);
        }

        /** {@code lifetime}: how long an access token lives, so none is remembered past its life. */
        VerifiedTokens(ReactiveJwtDecoder verifier, OAuth2TokenValidator<Jwt> validator, Duration lifetime, RevocationCheck revocations) {
            this.verifier = verifier;
            this.validator = validator;
            this.revocations = revocations;
            this.verified = Caffeine.newBuilder().maximumSize(50_000).expireAfterWrite(lifetime).build();
        }

        /** The token as verified if it is remembered, still valid and not revoked as far as this node knows, else null. */
        Verified remembered(String token) {
            Verified known = verified.getIfPresent(token);
            return known != null && !validator.validate(known.jwt()).hasErrors() && !revocations.revokedHere(known.jwt().getId()) ? known : null;
        }

        /** The caller of a token this decoder answered with, as read when it was verified; null if it is no longer remembered. */
        CurrentUser callerOf(Jwt jwt) {
            Verified known = verified.getIfPresent(jwt.getTokenValue());
            return known != null && known.jwt() == jwt ? known.caller() : null;
        }

        @Override
        public Mono<Jwt> decode(String token) {
            Verified known = remembered(token);
            // Unknown, or no longer valid (then the full check says why, in its own words).
            Mono<Jwt> valid = known != null ? Mono.just(known.jwt()) : verifier.decode(token).doOnNext(jwt -> verified.put(token, Verified.of(jwt)));
            return valid.flatMap(jwt -> revocations.revoked(jwt.getId())
                    .flatMap(revoked -> revoked ? Mono.error(new BadJwtException("The access token was revoked")) : Mono.just(jwt)));
        }
    }

    /** An access token and its lifetime in seconds. */
    public record IssuedToken(String token, long expiresInSeconds) {
    }
}
