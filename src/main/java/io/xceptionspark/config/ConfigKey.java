package io.xceptionspark.config;

/**
 * One configuration key as documented in the bundled defaults: its name (relative to the
 * {@code xception-spark} block), default value as written in HOCON, value type, and meaning.
 */
public record ConfigKey(String name, String defaultValue, String type, String description) {}
