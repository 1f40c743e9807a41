package dev.vserve;

import java.util.Map;

/**
 * Implemented by a deployment whose request router ranks replicas by figures of their own (loaded
 * cache prefixes, throughput), as Ray's {@code record_routing_stats()}: each replica is asked every
 * {@link RequestRouterConfig#statsPeriodS()} on a thread of its own, and every caller's router then
 * sees the answer as {@link RequestRouter.Replica#routingStats()}. JSON-shaped values; a call that
 * throws, or runs past {@link RequestRouterConfig#statsTimeoutS()}, is logged and its figures kept.
 */
public interface RoutingStats {
  Map<String, Object> recordRoutingStats();
}
