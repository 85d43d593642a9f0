package io.xceptionspark.spark;

import static org.apache.spark.sql.functions.col;

import io.xceptionspark.config.InputOptions;
import io.xceptionspark.config.JobConfig;
import io.xceptionspark.config.OutputOptions;
import io.xceptionspark.config.SaveMode;
import io.xceptionspark.inference.ScoringModel;
import io.xceptionspark.model.CpuBfloat16;
import io.xceptionspark.model.Precision;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The batch scoring job (driver side). One direction:
 * <ol>
 *   <li>check the job: input paths exist, the output can be written with the save mode, the model loads;</li>
 *   <li>list the input files with Spark's binaryFile source (recursive lookup, path glob filter, modified
 *       before/after) without reading them;</li>
 *   <li>incremental runs: drop files whose (path, modification_time) is already in the output;</li>
 *   <li>spread the files over ceil(files / input.images-per-partition) partitions, balanced by count;</li>
 *   <li>score each partition ({@link PartitionScorer}): one output row per file;</li>
 *   <li>write the rows crash-safe ({@link OutputWriter}: Parquet staged and published under the output's lock,
 *       or one Delta transaction), with the save mode and optional partitioning;</li>
 *   <li>print and write the {@link RunSummary}.</li>
 * </ol>
 */
public final class ScoringJob {
    /** The run summary's file name inside the output directory. */
    public static final String SUMMARY_FILE = "_xception_spark_summary.json";
    /** How often the progress line is printed. */
    static final long PROGRESS_INTERVAL_MILLIS = 10_000;

    private ScoringJob() {}

    /** Runs the job in this session, reporting progress and the summary on {@code console}. */
    public static RunSummary run(SparkSession spark, JobConfig config, PrintStream console) {
        Instant started = Instant.now().truncatedTo(ChronoUnit.MICROS);
        long startNanos = System.nanoTime();
        Configuration hadoop = spark.sparkContext().hadoopConfiguration();
        JobPreflight.check(config, hadoop);
        ModelPreflight.Loaded loaded = ModelPreflight.load(config, hadoop, console);
        JobConfig job = loaded.config();
        ScoringModel model = loaded.model();
        OutputOptions output = job.output();
        StructType schema = OutputSchema.of(job.scoring());
        String runId = runId(started);
        // the lease keeps the model loaded for the run (in local mode the tasks share it)
        try (loaded; OutputWriter writer = OutputWriter.open(spark, output, hadoop, runId,
                OutputMetadata.of(job, model), console)) {
            boolean outputExists = writer.hasData();
            if (outputExists && output.saveMode() == SaveMode.APPEND) {
                writer.checkAppendable(schema);
            }

            Listing files = list(spark, job.input(), hadoop);
            Dataset<Row> listing = files.rows();
            long listed = files.count();
            Dataset<Row> todo = listing;
            if (output.incremental() && outputExists) {
                Dataset<Row> done = writer.read().select(col(OutputSchema.PATH), col(OutputSchema.MODIFICATION_TIME));
                todo = listing.join(done, listing.col(OutputSchema.PATH).equalTo(done.col(OutputSchema.PATH))
                        .and(listing.col(OutputSchema.MODIFICATION_TIME)
                                .equalTo(done.col(OutputSchema.MODIFICATION_TIME))), "left_anti");
            }
            long toScore = output.incremental() && outputExists ? todo.count() : listed;
            int partitions = (int) Math.max(1, (toScore + job.input().imagesPerPartition() - 1)
                    / job.input().imagesPerPartition());
            console.printf("xception-spark: run %s: %d files listed, %d to score in %d partitions with %s%n", runId,
                    listed, toScore, partitions, model.identity());

            RunCounters counters = RunCounters.register(spark.sparkContext());
            long scoringStart = System.nanoTime();
            if (toScore > 0 || output.saveMode() != SaveMode.APPEND) {
                PartitionScorer scorer = new PartitionScorer(job.model(), job.preprocess(), job.scoring(),
                        model.identity().toString(), started, java8Time(spark), HadoopConfs.nonDefaults(hadoop),
                        counters);
                // Range partitioning by path: Spark samples up to 100 keys per partition, more than a partition
                // holds, so the boundaries are exact and partitions differ by at most one file (round-robin
                // repartitioning would start every input partition at a random offset).
                Dataset<Row> scored = todo.repartitionByRange(partitions, col(OutputSchema.PATH))
                        .mapPartitions(scorer, Encoders.row(schema));
                ProgressReporter progress = ProgressReporter.start(spark.sparkContext(), counters, toScore, console,
                        PROGRESS_INTERVAL_MILLIS);
                try {
                    writer.write(scored);
                } finally {
                    progress.close();
                }
            }
            double scoringSeconds = (System.nanoTime() - scoringStart) / 1e9;
            Map<String, Long> failures = counters.failures();
            long failed = failures.values().stream().mapToLong(Long::longValue).sum();
            long scored = counters.scored();
            RunSummary summary = new RunSummary(HadoopConfs.qualified(output.path(), hadoop), output.saveMode().configName(),
                    job.scoring().mode().configName(), modelDescription(job, model),
                    model.inputHeight() + "x" + model.inputWidth() + " " + job.preprocess().describe(),
                    started.toString(), listed,
                    listed - toScore, scored, failed, failures, toScore > 0 ? partitions : 0,
                    scoringSeconds > 0 ? (scored + failed) / scoringSeconds : 0, scoringSeconds,
                    (System.nanoTime() - startNanos) / 1e9);
            summary.writeBeside(output.path(), hadoop);
            return summary;
        }
    }

    /** A run's id: its start (UTC, sortable) and a random suffix, e.g. 20261201T214500Z-1a2b3c4d. */
    static String runId(Instant started) {
        String time = java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
                .withZone(java.time.ZoneOffset.UTC).format(started);
        return time + "-" + java.util.UUID.randomUUID().toString().substring(0, 8);
    }

    /**
     * The model for the summary: its identity and, in bfloat16, whether this machine's CPU computes it
     * natively (executors log the same check for their own CPUs when they load the model).
     */
    private static String modelDescription(JobConfig job, ScoringModel model) {
        if (job.model().precision() == Precision.FLOAT32) {
            return model.identity().toString();
        }
        return model.identity() + " (" + CpuBfloat16.thisMachine().describe() + ")";
    }

    /** Listed input files as rows (path, modification_time, length), and how many there are. */
    public record Listing(Dataset<Row> rows, long count) {}

    /**
     * The input files as (path, modification_time, length), listed by binaryFile without reading them.
     * Spark's file index leaves zero-byte files out of scans; they are added back from the same index's file
     * list, so that they too get their (EMPTY) row.
     */
    public static Listing list(SparkSession spark, InputOptions input, Configuration hadoop) {
        DataFrameReader reader = spark.read().format("binaryFile")
                .option("recursiveFileLookup", input.recursive());
        if (!input.pathGlobFilter().isBlank()) {
            reader = reader.option("pathGlobFilter", input.pathGlobFilter());
        }
        if (!input.modifiedBefore().isBlank()) {
            reader = reader.option("modifiedBefore", input.modifiedBefore());
        }
        if (!input.modifiedAfter().isBlank()) {
            reader = reader.option("modifiedAfter", input.modifiedAfter());
        }
        Dataset<Row> files = reader.load(input.paths().toArray(String[]::new));
        Dataset<Row> listing = files.select(col("path").as(OutputSchema.PATH),
                col("modificationTime").as(OutputSchema.MODIFICATION_TIME), col("length").as(OutputSchema.LENGTH));
        String[] all = files.inputFiles();
        long scanned = listing.count();
        if (all.length == scanned) {
            return new Listing(listing, scanned);
        }
        Set<String> seen = new HashSet<>(listing.select(OutputSchema.PATH).as(Encoders.STRING()).collectAsList());
        List<Row> emptyFiles = new ArrayList<>();
        boolean java8Time = java8Time(spark);
        for (String uri : all) {
            Path path = new Path(URI.create(uri));
            if (seen.contains(path.toString())) {
                continue;
            }
            try {
                FileStatus status = path.getFileSystem(hadoop).getFileStatus(path);
                Instant modified = Instant.ofEpochMilli(status.getModificationTime());
                emptyFiles.add(RowFactory.create(path.toString(), java8Time ? modified : Timestamp.from(modified),
                        status.getLen()));
            } catch (IOException e) {
                // vanished since it was listed: nothing to score
            }
        }
        StructType schema = new StructType(OutputSchema.inputFields().toArray(StructField[]::new));
        return new Listing(listing.union(spark.createDataFrame(emptyFiles, schema)), scanned + emptyFiles.size());
    }

    private static boolean java8Time(SparkSession spark) {
        return Boolean.parseBoolean(spark.conf().get("spark.sql.datetime.java8API.enabled", "false"));
    }
}
