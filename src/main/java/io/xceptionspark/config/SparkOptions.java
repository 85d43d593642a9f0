package io.xceptionspark.config;

import java.util.Map;

/**
 * Spark settings (keys {@code spark.*}): master and app name for the launcher, and pass-through conf; and
 * whether executors preload the model (key {@code scoring.preload}, a setting of the session's plugins).
 */
public record SparkOptions(String master, String appName, Map<String, String> conf, Preload preload) {
    public SparkOptions {
        conf = Map.copyOf(conf);
    }
}
