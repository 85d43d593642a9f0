package io.xceptionspark.report;

import io.xceptionspark.config.JobConfigException;
import io.xceptionspark.spark.DeltaOutput;
import io.xceptionspark.spark.OutputDirs;
import io.xceptionspark.spark.OutputSchema;
import io.xceptionspark.spark.ScoringResults;
import io.xceptionspark.spark.RunSummary;
import io.xceptionspark.spark.ScoringJob;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * "The output" a report is made of: its rows, the last run's summary and, for a Delta table, its commit
 * history. The one place that knows how an output is stored (a Parquet directory or a Delta table, with
 * {@value ScoringJob#SUMMARY_FILE} beside the data).
 *
 * @param summary the last run's summary, when the output has one
 * @param tableHistory a Delta table's commits, newest first (at most {@link #MAX_COMMITS}); empty for Parquet
 */
public record ReportInput(String path, Dataset<Row> rows, Optional<RunSummary> summary, List<Commit> tableHistory) {
    /** Commits of a Delta table the report lists (the newest). */
    static final int MAX_COMMITS = 50;

    /** One commit of a Delta table: which run made it (userMetadata), what it did and how many rows. */
    public record Commit(long version, String timestamp, String operation, String userMetadata, String rows) {}

    /**
     * Opens the output at {@code path}.
     *
     * @throws JobConfigException when there is nothing to report: no such path, no data files, no rows, or not
     *                            an xception-spark output (exit code 2)
     */
    public static ReportInput open(SparkSession spark, String path) {
        Configuration hadoop = spark.sparkContext().hadoopConfiguration();
        Path dir = new Path(path);
        try {
            FileSystem fs = dir.getFileSystem(hadoop);
            if (!fs.exists(dir)) {
                throw noResults(path, "the path does not exist");
            }
            if (fs.getFileStatus(dir).isDirectory() && !hasDataFiles(fs, dir)) {
                throw noResults(path, "the directory holds no data files");
            }
        } catch (IOException e) {
            throw new JobConfigException("Cannot read the output " + path + ": " + e.getMessage()
                    + ". Check the path and its permissions.");
        }
        Dataset<Row> rows;
        try {
            rows = ScoringResults.read(spark, path); // a Parquet dataset or a Delta table
        } catch (Exception e) { // Spark's AnalysisException is a checked exception thrown unchecked
            throw noResults(path, "it is neither a Parquet dataset nor a Delta table (" + firstLine(e.getMessage())
                    + ")");
        }
        for (String required : new String[] {OutputSchema.PATH, OutputSchema.STATUS, OutputSchema.ERROR_CODE}) {
            if (!Arrays.asList(rows.columns()).contains(required)) {
                throw noResults(path, "it has no '" + required + "' column, so it is not an xception-spark output");
            }
        }
        if (rows.isEmpty()) {
            throw noResults(path, "the dataset has no rows");
        }
        return new ReportInput(path, rows, readSummary(hadoop, dir), deltaHistory(spark, hadoop, dir));
    }

    /** DESCRIBE HISTORY of a Delta table, newest first; empty for a Parquet output. */
    private static List<Commit> deltaHistory(SparkSession spark, Configuration hadoop, Path dir) {
        try {
            if (!OutputDirs.hasDeltaLog(dir.getFileSystem(hadoop), dir)) {
                return List.of();
            }
        } catch (IOException e) {
            return List.of();
        }
        List<Commit> commits = new ArrayList<>();
        for (Row r : spark.sql("DESCRIBE HISTORY " + DeltaOutput.table(spark, dir.toString()) + " LIMIT "
                + MAX_COMMITS).collectAsList()) {
            scala.collection.Map<String, String> metrics = r.isNullAt(r.fieldIndex("operationMetrics")) ? null
                    : r.getMap(r.fieldIndex("operationMetrics"));
            String rows = "";
            if (metrics != null) {
                for (String key : new String[] {"numOutputRows", "numTargetRowsInserted"}) {
                    if (metrics.contains(key)) {
                        rows = key.equals("numOutputRows") ? metrics.apply(key)
                                : metrics.apply(key) + " inserted, " + metrics.getOrElse("numTargetRowsUpdated",
                                        () -> "0") + " updated";
                        break;
                    }
                }
            }
            int meta = r.fieldIndex("userMetadata");
            commits.add(new Commit(r.getLong(r.fieldIndex("version")), String.valueOf(r.get(r.fieldIndex("timestamp"))),
                    r.getString(r.fieldIndex("operation")), r.isNullAt(meta) ? "" : r.getString(meta), rows));
        }
        return commits;
    }

    public boolean has(String column) {
        return Arrays.asList(rows.columns()).contains(column);
    }

    private static boolean hasDataFiles(FileSystem fs, Path dir) throws IOException {
        for (FileStatus s : fs.listStatus(dir)) {
            String name = s.getPath().getName();
            if (name.startsWith("_") || name.startsWith(".")) {
                continue;
            }
            if (s.isFile() || hasDataFiles(fs, s.getPath())) {
                return true; // a data file, or a partition directory (run_date=...) holding one
            }
        }
        return false;
    }

    private static Optional<RunSummary> readSummary(Configuration hadoop, Path dir) {
        Path file = new Path(dir, ScoringJob.SUMMARY_FILE);
        try {
            FileSystem fs = file.getFileSystem(hadoop);
            if (!fs.exists(file)) {
                return Optional.empty();
            }
            try (InputStream in = fs.open(file)) {
                return Optional.ofNullable(RunSummary.fromJson(new String(in.readAllBytes(), StandardCharsets.UTF_8)));
            }
        } catch (IOException | RuntimeException e) {
            return Optional.empty(); // a damaged summary only costs the header its last-run figures
        }
    }

    private static JobConfigException noResults(String path, String why) {
        return new JobConfigException("No results to report at " + path + ": " + why
                + ". Pass --index the output directory of a score run.");
    }

    private static String firstLine(String message) {
        return message == null ? "" : message.lines().findFirst().orElse("");
    }
}
