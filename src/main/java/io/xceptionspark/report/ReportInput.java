package io.xceptionspark.report;

import io.xceptionspark.config.JobConfigException;
import io.xceptionspark.spark.OutputSchema;
import io.xceptionspark.spark.ResultColumns;
import io.xceptionspark.spark.ScoringResults;
import io.xceptionspark.spark.RunSummary;
import io.xceptionspark.spark.ScoringJob;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * "The output" a report is made of: its rows and the last run's summary. The one place that knows how an
 * output is stored (a Parquet directory with {@value ScoringJob#SUMMARY_FILE} beside the data today; a
 * Delta table plugs in here, with its commit history as the run history).
 *
 * @param summary the last run's summary, when the output has one
 */
public record ReportInput(String path, Dataset<Row> rows, Optional<RunSummary> summary) {

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
        for (String required : new String[] {OutputSchema.PATH, ResultColumns.STATUS, ResultColumns.ERROR_CODE}) {
            if (!Arrays.asList(rows.columns()).contains(required)) {
                throw noResults(path, "it has no '" + required + "' column, so it is not an xception-spark output");
            }
        }
        if (rows.isEmpty()) {
            throw noResults(path, "the dataset has no rows");
        }
        return new ReportInput(path, rows, readSummary(hadoop, dir));
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
