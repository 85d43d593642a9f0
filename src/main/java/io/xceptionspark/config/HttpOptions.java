package io.xceptionspark.config;

import java.io.Serializable;
import java.time.Duration;

/** How manifest URLs are fetched in the executors (keys {@code input.http.*}). */
public record HttpOptions(Duration connectTimeout, Duration readTimeout, int retries, Duration retryBackoff,
                          int maxRedirects) implements Serializable {
}
