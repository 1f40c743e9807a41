package dev.vserve.impl.stream;

/** What a replica answers for a streaming call: the channel it fills, and how to present it. */
public record StreamReply(ItemChannel channel, String mediaType) {}
