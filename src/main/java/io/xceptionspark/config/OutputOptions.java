package io.xceptionspark.config;

import java.util.List;

/**
 * Where and how results are written (keys {@code output.*}).
 *
 * @param report also write the HTML report ({@code _report.html}) into the output after the run
 */
public record OutputOptions(String path, SaveMode saveMode, List<String> partitionBy, boolean incremental,
                            boolean report) {
    /** Output columns a dataset may be partitioned by (low-cardinality scalars). */
    public static final List<String> PARTITION_COLUMNS = List.of("run_date", "status", "error_code", "model");

    public OutputOptions {
        partitionBy = List.copyOf(partitionBy);
    }
}
