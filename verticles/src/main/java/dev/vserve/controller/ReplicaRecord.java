package dev.vserve.controller;

import java.util.List;

/** A replica the controller placed: its id, the node it runs on, and the GPUs it was given there. */
public record ReplicaRecord(String id, String nodeId, List<Integer> gpuIds) {}
