package dev.dawg.social;

import java.time.Duration;
import java.util.List;

import reactor.core.publisher.Mono;

import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;

import dev.dawg.platform.config.DawgProperties;
import dev.dawg.platform.ratelimit.RateLimit;
import dev.dawg.platform.ratelimit.RateLimiter;
import dev.dawg.platform.web.ClientAddress;
import dev.dawg.sharing.ProjectAccess.Grant;

/**
 * Plays: anyone who may read a project counts a play, at most once per listener per window; and a listener
 * (user, or address when anonymous) sends at most {@code DAWG_PLAY_RATE_LIMIT} plays a minute, counted or not.
 */
@Component
class PlayHandler {

    private final Plays plays;
    private final RateLimiter rateLimiter;
    private final int playsPerMinute;

    PlayHandler(Plays plays, RateLimiter rateLimiter, DawgProperties properties) {
        this.plays = plays;
        this.rateLimiter = rateLimiter;
        this.playsPerMinute = properties.social().playRateLimit();
    }

    Mono<ServerResponse> play(ServerRequest request, Grant grant) {
        String listener = grant.caller().map(user -> "user:" + user.id()).orElseGet(() -> "ip:" + ClientAddress.of(request));
        return rateLimiter.consume(List.of(new RateLimit("plays:" + listener, playsPerMinute, Duration.ofMinutes(1))))
                .flatMap(decision -> plays.count(grant.projectId(), listener)
                        .then(ServerResponse.noContent().headers(decision::writeTo).build()));
    }
}
