package io.xceptionspark.config;

import java.util.List;

/** Where and how results are written (keys {@code output.*}). */
public record OutputOptions(String path, SaveMode saveMode, List<String> partitionBy, boolean incremental) {
    /** Output columns a dataset may be partitioned by (low-cardinality scalars). */
    public static final List<String> PARTITION_COLUMNS = List.of("run_date", "status", "error_code", "model");

    public OutputOptions {
        partitionBy = List.copyOf(partitionBy);
    }
}
