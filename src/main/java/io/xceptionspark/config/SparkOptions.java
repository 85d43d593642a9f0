package io.xceptionspark.config;

import io.xceptionspark.inference.CompilerScope;
import java.util.Map;

/**
 * Spark settings (keys {@code spark.*}): master and app name for the launcher, and pass-through conf; whether
 * executors preload the model (key {@code scoring.preload}, a setting of the session's plugins); and what C2
 * compiles in the scoring JVMs (key {@code scoring.optimizing-compiler}, carried to executors by the session).
 */
public record SparkOptions(String master, String appName, Map<String, String> conf, Preload preload,
                           CompilerScope optimizingCompiler) {
    public SparkOptions {
        conf = Map.copyOf(conf);
    }
}
