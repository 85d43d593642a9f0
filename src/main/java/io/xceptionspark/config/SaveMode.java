package io.xceptionspark.config;

import java.util.Locale;

/** What happens when the output dataset already exists. */
public enum SaveMode {
    ERROR_IF_EXISTS("error-if-exists", "errorifexists"),
    OVERWRITE("overwrite", "overwrite"),
    APPEND("append", "append");

    private final String configName;
    private final String sparkName;

    SaveMode(String configName, String sparkName) {
        this.configName = configName;
        this.sparkName = sparkName;
    }

    public static SaveMode parse(String value) {
        String v = value == null ? "" : value.strip().toLowerCase(Locale.ROOT);
        for (SaveMode m : values()) {
            if (m.configName.equals(v) || m.sparkName.equals(v)) {
                return m;
            }
        }
        throw new IllegalArgumentException("must be error-if-exists, overwrite or append (got '" + value + "')");
    }

    public String configName() {
        return configName;
    }

    /** The name Spark's DataFrameWriter.mode() takes. */
    public String sparkName() {
        return sparkName;
    }
}
