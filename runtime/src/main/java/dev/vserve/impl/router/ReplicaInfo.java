package dev.vserve.impl.router;

/** A running replica as the controller announces it: its id, event-bus address and node. */
public record ReplicaInfo(String id, String address, String nodeId) {}
