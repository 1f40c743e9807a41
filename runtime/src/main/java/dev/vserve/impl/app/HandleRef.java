package dev.vserve.impl.app;

/** Stands in an application plan for a bound deployment that a replica receives as a handle. */
public record HandleRef(String app, String deployment) {}
