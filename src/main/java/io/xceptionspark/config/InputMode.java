package io.xceptionspark.config;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** Where the files to score come from (key {@code input.mode}). */
public enum InputMode {
    /** input.paths listed and scored by a batch run. */
    FILES,
    /** Structured Streaming's binaryFile source over input.paths, with a checkpoint ({@link StreamOptions}). */
    STREAM,
    /** A table or file whose column names the files or URLs ({@link ManifestOptions}). */
    MANIFEST;

    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static InputMode parse(String value) {
        for (InputMode m : values()) {
            if (m.configName().equalsIgnoreCase(value)) {
                return m;
            }
        }
        throw new IllegalArgumentException("must be one of " + Arrays.stream(values()).map(InputMode::configName)
                .collect(Collectors.joining(", ")));
    }
}
