package io.xceptionspark.config;

/** Where the files to score come from: {@code input.mode} and the settings of the stream and manifest modes. */
public record SourceOptions(InputMode mode, StreamOptions stream, ManifestOptions manifest, HttpOptions http) {
}
