package dev.dawg.realtime;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Settings of the realtime hub ({@code dawg.realtime.*}, each mapped from a {@code DAWG_REALTIME_*} variable in
 * application.yaml and listed in the README).
 *
 * @param historySize events kept per project for replay ({@code lastEventId}); older ones answer {@code resync}
 * @param historyTtl how long an event stays replayable; a project's history is dropped after as long without events
 * @param maxQueuedMessages messages waiting for one slow connection before it is closed with 1013
 * @param maxQueuedBytes bytes waiting for one slow connection before it is closed with 1013
 * @param maxFrameSize largest message a client may send (larger: closed with 1009)
 * @param messageRate client messages per second per connection (sustained)
 * @param messageBurst client messages a connection may send at once; past it, {@code RATE_LIMITED}, then 1008
 * @param maxSubscriptions projects one connection may follow at a time
 * @param maxConnections WebSockets one node accepts (more: 503 at the handshake)
 * @param heartbeatInterval a connection silent this long is pinged
 * @param heartbeatTimeout a connection silent this long (no message, no pong) is closed as dead
 * @param accessRecheck how long a subscriber's access is trusted before it is checked again on the next event
 * @param closeTimeout how long a closing connection may take to drain before it is cut
 * @param maxEventSize largest event fanned out; a larger {@code project:updated} goes out without its patch
 * @param maxConnectionsPerAddress WebSockets one client address may hold on one node (more: 429 at the handshake)
 */
@ConfigurationProperties("dawg.realtime")
record RealtimeProperties(
        @DefaultValue("500") int historySize,
        @DefaultValue("1h") Duration historyTtl,
        @DefaultValue("1000") int maxQueuedMessages,
        @DefaultValue("4MB") DataSize maxQueuedBytes,
        @DefaultValue("8KB") DataSize maxFrameSize,
        @DefaultValue("20") int messageRate,
        @DefaultValue("40") int messageBurst,
        @DefaultValue("100") int maxSubscriptions,
        @DefaultValue("10000") int maxConnections,
        @DefaultValue("25s") Duration heartbeatInterval,
        @DefaultValue("60s") Duration heartbeatTimeout,
        @DefaultValue("10s") Duration accessRecheck,
        @DefaultValue("5s") Duration closeTimeout,
        @DefaultValue("256KB") DataSize maxEventSize,
        @DefaultValue("100") int maxConnectionsPerAddress) {
}
