package io.xceptionspark.config;

import java.util.Map;

/** Spark settings (keys {@code spark.*}): master and app name for the launcher, and pass-through conf. */
public record SparkOptions(String master, String appName, Map<String, String> conf) {
    public SparkOptions {
        conf = Map.copyOf(conf);
    }
}
