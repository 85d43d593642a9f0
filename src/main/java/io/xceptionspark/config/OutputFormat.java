package io.xceptionspark.config;

import java.util.Locale;

/** The table format of the output (key {@code output.format}). */
public enum OutputFormat {
    /** A directory of Parquet files, published by the job's own crash-safe commit. */
    PARQUET,
    /** A Delta Lake table: every run is one transaction in its log. */
    DELTA;

    public static OutputFormat parse(String value) {
        String v = value == null ? "" : value.strip().toLowerCase(Locale.ROOT);
        for (OutputFormat f : values()) {
            if (f.configName().equals(v)) {
                return f;
            }
        }
        throw new IllegalArgumentException("must be parquet or delta (got '" + value + "')");
    }

    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
