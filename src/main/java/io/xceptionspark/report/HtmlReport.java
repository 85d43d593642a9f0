package io.xceptionspark.report;

import io.xceptionspark.config.JobConfig;
import io.xceptionspark.config.ReportOptions;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;

/**
 * The HTML report of an output: {@link ReportInput} (read the output) -> {@link ReportGatherer} (Spark
 * aggregations and samples, thumbnails) -> {@link ReportHtml} (one self-contained file), written through
 * Hadoop's file systems (so {@code hdfs://} and {@code s3a://} targets work like local files).
 */
public final class HtmlReport {
    /** The report's file name inside the output directory, for score --report / output.report = true. */
    public static final String FILE = "_report.html";

    private final ReportOptions options;
    private final long maxFileBytes;
    private final long maxPixels;

    public HtmlReport(ReportOptions options, long maxFileBytes, long maxPixels) {
        this.options = options;
        this.maxFileBytes = maxFileBytes;
        this.maxPixels = maxPixels;
    }

    /** With the job's report options and its preprocessing limits (a file the job refused is not decoded here). */
    public static HtmlReport of(JobConfig job) {
        return new HtmlReport(job.report(), job.preprocess().maxFileBytes(), job.preprocess().maxPixels());
    }

    /**
     * What a report write produced.
     *
     * @param steps seconds per gathering step (totals, history, labels, ..., thumbnails)
     */
    public record Written(String file, long bytes, double seconds, ReportData data, Map<String, Double> steps) {}

    /**
     * Reads the output at {@code outputPath} and writes its report to {@code target}.
     *
     * @throws io.xceptionspark.config.JobConfigException when the output has no results
     */
    public Written write(SparkSession spark, String outputPath, String target) {
        long start = System.nanoTime();
        ReportInput input = ReportInput.open(spark, outputPath);
        ReportGatherer gatherer = new ReportGatherer(spark, options, maxFileBytes, maxPixels);
        ReportData data = gatherer.gather(input);
        byte[] html = ReportHtml.render(data, Instant.now()).getBytes(StandardCharsets.UTF_8);
        Path file = new Path(target);
        try {
            FileSystem fs = file.getFileSystem(spark.sparkContext().hadoopConfiguration());
            try (OutputStream out = fs.create(file, true)) {
                out.write(html);
            }
            return new Written(fs.makeQualified(file).toString(), html.length, (System.nanoTime() - start) / 1e9, data,
                    gatherer.stepSeconds());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the report " + target + ": " + e.getMessage(), e);
        }
    }
}
