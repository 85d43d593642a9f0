package io.xceptionspark.spark;

import io.xceptionspark.config.InputMode;
import io.xceptionspark.config.JobConfig;
import io.xceptionspark.config.OutputOptions;
import io.xceptionspark.config.SaveMode;
import io.xceptionspark.inference.ScoringModel;
import io.xceptionspark.model.CpuBfloat16;
import io.xceptionspark.model.Precision;
import java.io.PrintStream;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/**
 * The batch scoring job (driver side). One direction:
 * <ol>
 *   <li>check the job: input paths exist, the output can be written with the save mode, the model loads;</li>
 *   <li>list the input files on the driver as Spark's binaryFile source does (recursive lookup, path glob
 *       filter, modified before/after), without reading them ({@link InputFiles});</li>
 *   <li>incremental runs: drop files whose (path, modification_time) is already in the output;</li>
 *   <li>spread the files from the driver over {@link ScoringPartitions} partitions (at most
 *       input.images-per-partition files each, at least input.tasks-per-core per task slot): runs of paths
 *       whose sizes differ by at most one file;</li>
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
        if (config.source().mode() == InputMode.STREAM) {
            return StreamingJob.run(spark, config, console);
        }
        Instant started = Instant.now().truncatedTo(ChronoUnit.MICROS);
        long startNanos = System.nanoTime();
        Configuration hadoop = ObjectStores.withQuickFailure(spark.sparkContext().hadoopConfiguration());
        JobPreflight.check(config, hadoop);
        ModelPreflight.Loaded loaded = ModelPreflight.load(config, hadoop, console);
        JobConfig job = loaded.config();
        ScoringModel model = loaded.model();
        if (job.spark().preload().warmsTheDriver(spark.sparkContext().master())) {
            WarmExecutorPlugin.warm(WarmExecutorPlugin.Warmup.of(job), 1);
        }
        OutputOptions output = job.output();
        boolean manifest = job.source().mode() == InputMode.MANIFEST;
        Dataset<Row> manifestRows = manifest ? ManifestInput.read(spark, job) : null; // a bad manifest: exit 2 now
        String runId = runId(started);
        // the lease keeps the model loaded for the run (in local mode the tasks share it)
        try (loaded; OutputWriter writer = OutputWriter.open(spark, output, hadoop, runId,
                OutputMetadata.of(job, model), console)) {
            boolean outputExists = writer.hasData();
            StructType schema = OutputSchema.of(job.scoring());
            if (manifestRows != null) {
                schema = OutputSchema.withCarried(schema, manifestRows.schema());
            }
            if (outputExists && output.saveMode() == SaveMode.APPEND) {
                writer.checkAppendable(schema);
            }

            Dataset<Row> done = output.incremental() && outputExists ? writer.read() : null;
            ScoringInput todo = manifest ? ManifestInput.of(manifestRows, done) : ListedInput.of(spark, job.input(), done);
            long toScore = todo.toScore();
            int partitions = ScoringPartitions.count(spark.sparkContext(), toScore, job.input());
            console.printf("xception-spark: run %s: %d %s, %d to score in %d partitions with %s%n", runId,
                    todo.listed(), manifest ? "manifest rows" : "files listed", toScore, partitions, model.identity());

            RunCounters counters = RunCounters.register(spark.sparkContext());
            StageAccount stages = StageAccount.register(spark.sparkContext());
            long scoringStart = System.nanoTime();
            if (toScore > 0 || output.saveMode() != SaveMode.APPEND) {
                PartitionScorer scorer = new PartitionScorer(job.model(), job.preprocess(), job.scoring(),
                        model.identity().toString(), started, OutputSchema.javaTimeValues(spark), HadoopConfs.nonDefaults(hadoop),
                        counters, stages).withHttp(job.source().http());
                // runs of paths spread from the driver: the scoring stage is the job's first
                Dataset<Row> scored = todo.rows(spark, partitions).mapPartitions(scorer, Encoders.row(schema));
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
                    started.toString(), todo.listed(),
                    todo.listed() - toScore, scored, failed, failures, toScore > 0 ? partitions : 0,
                    scoringSeconds > 0 ? (scored + failed) / scoringSeconds : 0, scoringSeconds,
                    (System.nanoTime() - startNanos) / 1e9, stages.seconds());
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
    static String modelDescription(JobConfig job, ScoringModel model) {
        if (job.model().precision() == Precision.FLOAT32) {
            return model.identity().toString();
        }
        return model.identity() + " (" + CpuBfloat16.thisMachine().describe() + ")";
    }
}
