package dev.vserve.tasks;

/**
 * A queue's figures: tasks waiting in it, and whether a deployment consumes it (a dead-letter queue
 * has none).
 */
public record QueueInfo(String queue, int depth, String app, String deployment) {
}
