package dev.dawg.realtime;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.reactive.RedisReactiveCommands;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.stereotype.Component;

import dev.dawg.events.ProjectEvent;
import dev.dawg.events.ProjectEventPublisher;
import dev.dawg.platform.web.RequestIds;

/**
 * The publishing side of the realtime hub: features hand it their {@link ProjectEvent}s after a write has
 * committed. Publishing never fails, nor noticeably delays, the caller's write: when Redis cannot be reached the
 * event is logged and counted, and live clients catch up by reloading ({@code resync}).
 *
 * <p>One Redis script per event appends it to the project's capped history stream, which gives it its
 * {@code eventId}, and publishes it on the project's channel (unless it is for the owner only) and on the owner's
 * channel. Being one atomic step, every node receives each project's events in {@code eventId} order, and an
 * event is in the history exactly when it was published: that is what makes replay-then-live gap-free.
 */
@Component
class RedisProjectEventPublisher implements ProjectEventPublisher {

    private static final Logger log = LoggerFactory.getLogger(RedisProjectEventPublisher.class);
    private static final Duration PUBLISH_TIMEOUT = Duration.ofSeconds(1);

    /**
     * KEYS[1] history stream; ARGV: 1 max length, 2 retention in ms, 3 owner-only flag, 4 frame head, 5 frame tail,
     * 6 project channel, 7 owner channel, 8 project id. The frame is head .. eventId .. tail. Each entry records its
     * predecessors in both chains (any event, and events subscribers see) so readers can tell when they missed one.
     * The pub/sub message is the frame with one more member, {@code "hub"}, which the hub reads and strips (see
     * {@link PublishedEvent#fromMessage}); it stays plain JSON for anyone watching with {@code redis-cli}.
     */
    static final String SCRIPT = """
            local last = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)
            local prev, subscriberPrev = '0-0', '0-0'
            if #last > 0 then
              prev = last[1][1]
              subscriberPrev = prev
              local fields = last[1][2]
              local ownerOnly, previousSubscriberPrev = '0', '0-0'
              for i = 1, #fields, 2 do
                if fields[i] == 'ownerOnly' then ownerOnly = fields[i + 1] end
                if fields[i] == 'subscriberPrev' then previousSubscriberPrev = fields[i + 1] end
              end
              if ownerOnly == '1' then subscriberPrev = previousSubscriberPrev end
            end
            local id = redis.call('XADD', KEYS[1], 'MAXLEN', ARGV[1], '*', 'prev', prev, 'subscriberPrev', subscriberPrev,
              'ownerOnly', ARGV[3], 'head', ARGV[4], 'tail', ARGV[5])
            local millis = tonumber(string.match(id, '^(%d+)-'))
            redis.call('XTRIM', KEYS[1], 'MINID', string.format('%d', millis - tonumber(ARGV[2])))
            redis.call('PEXPIRE', KEYS[1], ARGV[2])
            local frame = ARGV[4] .. id .. ARGV[5]
            local message = string.sub(frame, 1, -2) .. ',"hub":{"projectId":"' .. ARGV[8] .. '","eventId":"' .. id
              .. '","prev":"' .. prev .. '","subscriberPrev":"' .. subscriberPrev .. '","ownerOnly":'
              .. (ARGV[3] == '1' and 'true' or 'false') .. '}}'
            if ARGV[3] ~= '1' then redis.call('PUBLISH', ARGV[6], message) end
            redis.call('PUBLISH', ARGV[7], message)
            return id
            """;
    private static final String SCRIPT_SHA = sha1(SCRIPT);

    private final RealtimeRedis redis;
    private final JsonMapper json;
    private final RealtimeMetrics metrics;
    private final RealtimeProperties settings;
    private final Clock clock;

    RedisProjectEventPublisher(RealtimeRedis redis, JsonMapper json, RealtimeMetrics metrics, RealtimeProperties settings) {
        this.redis = redis;
        this.json = json;
        this.metrics = metrics;
        this.settings = settings;
        this.clock = Clock.systemUTC();
    }

    static String projectChannel(UUID projectId) {
        return "dawg:events:project:" + projectId;
    }

    static String userChannel(UUID userId) {
        return "dawg:events:user:" + userId;
    }

    @Override
    public Mono<Void> publish(ProjectEvent event) {
        return Mono.defer(() -> ProjectEvent.ACCESS_CHANGED.equals(event.type()) ? announceAccessChange(event) : append(event))
                .timeout(PUBLISH_TIMEOUT)
                .doOnSuccess(done -> metrics.published())
                .onErrorResume(ex -> {
                    metrics.publishFailed();
                    return RequestIds.logged(() -> log.warn("Could not publish {} for project {}: {}", event.type(), event.projectId(), ex.toString()));
                })
                .then();
    }

    private Mono<String> append(ProjectEvent event) {
        Frame frame = frame(event);
        if (frame.size() > settings.maxEventSize().toBytes() && event.data() instanceof ProjectEvent.ProjectUpdated updated
                && updated.patch() != null) {
            // Fanned out to every subscriber and kept in the history: a huge patch goes as "reload version N".
            frame = frame(event.withData(new ProjectEvent.ProjectUpdated(updated.version(), null, null)));
        }
        String[] keys = { EventHistory.key(event.projectId()) };
        String[] args = { Integer.toString(settings.historySize()), Long.toString(settings.historyTtl().toMillis()),
                event.ownerOnly() ? "1" : "0", frame.head(), frame.tail(), projectChannel(event.projectId()),
                userChannel(event.ownerId()), event.projectId().toString() };
        return redis.commands().flatMap(commands -> run(commands, keys, args));
    }

    private static Mono<String> run(RedisReactiveCommands<String, String> commands, String[] keys, String[] args) {
        return commands.<String>evalsha(SCRIPT_SHA, ScriptOutputType.VALUE, keys, args).next()
                .onErrorResume(RedisNoScriptException.class,
                        missing -> commands.<String>eval(SCRIPT, ScriptOutputType.VALUE, keys, args).next());
    }

    private Mono<Long> announceAccessChange(ProjectEvent event) {
        return redis.commands().flatMap(commands -> commands.publish(projectChannel(event.projectId()),
                "{\"type\":\"" + ProjectEvent.ACCESS_CHANGED + "\",\"projectId\":\"" + event.projectId() + "\"}"));
    }

    /** The event's text frame around its {@code eventId}, which only Redis can give it. */
    record Frame(String head, String tail) {

        int size() {
            return head.length() + tail.length();
        }
    }

    /** The event as clients receive it (see the contract's Realtime section), split where the id goes. */
    Frame frame(ProjectEvent event) {
        Map<String, Object> head = new LinkedHashMap<>();
        head.put("type", event.type());
        head.put("projectId", event.projectId());
        Map<String, Object> tail = new LinkedHashMap<>();
        tail.put("at", clock.instant().toString());
        tail.put("actor", event.actor());
        tail.put("data", event.data());
        String headJson = json.writeValueAsString(head);
        String tailJson = json.writeValueAsString(tail);
        return new Frame(headJson.substring(0, headJson.length() - 1) + ",\"eventId\":\"", "\"," + tailJson.substring(1));
    }

    private static String sha1(String script) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(script.getBytes(StandardCharsets.UTF_8)));
        }
        catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException(ex);
        }
    }
}
