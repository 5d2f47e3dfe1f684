package dev.dawg.platform.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Every setting of dawg-server, bound from {@code dawg.*} (each mapped from a {@code DAWG_*} environment
 * variable in application.yaml, where the README's configuration table comes from).
 */
@ConfigurationProperties("dawg")
public record DawgProperties(
        @DefaultValue("./data") Path dataDir,
        @DefaultValue Db db,
        @DefaultValue Redis redis,
        @DefaultValue S3 s3,
        @DefaultValue Web web,
        @DefaultValue Auth auth,
        @DefaultValue RateLimits rateLimit,
        @DefaultValue Projects projects,
        @DefaultValue Social social) {

    /** PostgreSQL; an empty url means the embedded server. */
    public record Db(@DefaultValue("") String url, @DefaultValue("") String user, @DefaultValue("") String password,
            @DefaultValue("") String replicaUrl, @DefaultValue("5s") Duration queryTimeout,
            @DefaultValue("3s") Duration connectTimeout, @DefaultValue("20") int poolSize,
            @DefaultValue("10s") Duration readYourWritesWindow) {
    }

    /** Redis; an empty url means the embedded server. */
    public record Redis(@DefaultValue("") String url) {
    }

    /**
     * S3-compatible object storage; an empty endpoint means the in-process S3 endpoint. {@code connectTimeout}
     * bounds opening a connection, {@code ioTimeout} how long a request may wait for the store to take or send
     * a byte (an unreachable or frozen store is then a 503, not a hang).
     */
    public record S3(@DefaultValue("") String endpoint, @DefaultValue("") String publicEndpoint, @DefaultValue("") String accessKey,
            @DefaultValue("") String secretKey, @DefaultValue("dawg-assets") String bucket,
            @DefaultValue("us-east-1") String region, @DefaultValue("3s") Duration connectTimeout,
            @DefaultValue("30s") Duration ioTimeout) {
    }

    /**
     * Tokens, keys and the bootstrap administrator. {@code refreshRaceWindow}: a refresh token presented again this
     * soon after its use lost a race with another request of the same client (two tabs) and is refused without
     * revoking its family; later, it is a replay and revokes the family.
     */
    public record Auth(@DefaultValue("") String jwtSecret, @DefaultValue("dawg-server") String issuer,
            @DefaultValue("dawg-api") String audience, @DefaultValue("15m") Duration accessTokenTtl,
            @DefaultValue("7d") Duration refreshTokenTtl, @DefaultValue("") String adminEmail,
            @DefaultValue("") String adminPassword, @DefaultValue("2s") Duration refreshRaceWindow,
            @DefaultValue("24h") Duration maxAccessTokenTtl) {

        /**
         * {@code maxAccessTokenTtl}: the longest any access token may be issued for (a client that cannot refresh
         * asks for more than {@code accessTokenTtl}); revocations are remembered that long.
         */
        public Auth {
            if (maxAccessTokenTtl.compareTo(accessTokenTtl) < 0) {
                throw new IllegalArgumentException("DAWG_MAX_ACCESS_TOKEN_TTL must be at least DAWG_ACCESS_TOKEN_TTL");
            }
        }
    }

    /**
     * Redis-backed limits, shared by all nodes; counts per window. {@code login} counts failed sign-ins per account
     * (email and username count as one) and address, a minute; {@code loginPerAccount} failed sign-ins per account,
     * an hour, past which addresses that never signed in to it are refused; {@code registerPerAccount} per email and per username
     * asked for, {@code refreshPerAccount} per user whose token is presented.
     */
    public record RateLimits(@DefaultValue("10") int login, @DefaultValue("50") int loginPerIp,
            @DefaultValue("60") int refresh, @DefaultValue("20") int register,
            @DefaultValue("120") int writes, @DefaultValue("ratelimit:") String keyPrefix,
            @DefaultValue("5") int registerPerAccount, @DefaultValue("30") int refreshPerAccount,
            @DefaultValue("100") int loginPerAccount) {
    }

    /** HTTP edge settings. */
    public record Web(@DefaultValue("") List<String> corsOrigins, @DefaultValue("12MB") DataSize maxRequestBody) {
    }

    /** Project documents and their history. */
    public record Projects(@DefaultValue("10MB") DataSize maxDataSize, @DefaultValue("100") int versionRetention,
            @DefaultValue("256MB") DataSize documentCacheSize, @DefaultValue("100000") long headCacheEntries,
            @DefaultValue("30s") Duration headTtl, @DefaultValue("32MB") DataSize patchBasesSize) {
    }

    /**
     * Likes, comments and plays: how often one listener (user, or address when anonymous) counts a play, and how
     * many plays a minute one listener may send at all ({@code playRateLimit}; past it, 429).
     */
    public record Social(@DefaultValue("30s") Duration playDedupeWindow, @DefaultValue("60") int playRateLimit) {
    }
}
