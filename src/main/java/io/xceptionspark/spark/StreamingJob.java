package io.xceptionspark.spark;

import io.xceptionspark.config.InputOptions;
import io.xceptionspark.config.JobConfig;
import io.xceptionspark.config.JobConfigException;
import io.xceptionspark.config.StreamOptions;
import io.xceptionspark.inference.ScoringModel;
import java.io.PrintStream;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.DataStreamReader;
import org.apache.spark.sql.streaming.StreamingQueryException;
import org.apache.spark.sql.streaming.Trigger;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * {@code input.mode = stream} (score --stream): input.paths as Spark's binaryFile stream source with a checkpoint,
 * so that each run scores only the files no earlier run took, each exactly once. Trigger.AvailableNow by default
 * (everything new, in micro-batches, then stop: for cron and Airflow) or a processing-time trigger (always on).
 * Each micro-batch is scored as a batch run scores its files ({@link MicroBatchScorer}: the same partitions,
 * {@link PartitionScorer} and rows) and written exactly once ({@link OutputWriter#writeMicroBatch}); the model is
 * loaded once per executor JVM for every micro-batch (the executor-wide model cache; the driver holds its lease for
 * the whole run). The checkpoint is bound to the model and settings ({@link StreamCheckpoint}).
 */
public final class StreamingJob {
    /** binaryFile's columns: a stream source needs its schema given. */
    static final StructType BINARY_FILE_SCHEMA = new StructType()
            .add("path", DataTypes.StringType, false)
            .add("modificationTime", DataTypes.TimestampType, false)
            .add("length", DataTypes.LongType, false)
            .add("content", DataTypes.BinaryType, true);

    /** input.stream.max-file-age's default: long enough that no file is skipped for age. */
    static final java.time.Duration DEFAULT_MAX_FILE_AGE = io.xceptionspark.config.ConfigKeys.defaults()
            .getDuration(io.xceptionspark.config.ConfigKeys.NAMESPACE + ".input.stream.max-file-age");

    /** The tasks of Spark's parallel file listing (Spark's default: up to 10,000). */
    static final String LISTING_PARALLELISM = "spark.sql.sources.parallelPartitionDiscovery.parallelism";

    private StreamingJob() {}

    public static RunSummary run(SparkSession spark, JobConfig config, PrintStream console) {
        Instant started = Instant.now().truncatedTo(ChronoUnit.MICROS);
        long startNanos = System.nanoTime();
        Configuration hadoop = spark.sparkContext().hadoopConfiguration();
        JobPreflight.check(config, hadoop);
        StreamOptions stream = config.source().stream();
        checkCheckpointOutsideInputs(config, hadoop);
        ModelPreflight.Loaded loaded = ModelPreflight.load(config, hadoop, console);
        JobConfig job = loaded.config();
        ScoringModel model = loaded.model();
        if (job.spark().preload().warmsTheDriver(spark.sparkContext().master())) {
            WarmExecutorPlugin.warm(WarmExecutorPlugin.Warmup.of(job), 1);
        }
        StreamCheckpoint checkpoint = StreamCheckpoint.open(stream.checkpoint(),
                StreamCheckpoint.settings(job, model, hadoop), hadoop);
        String runId = ScoringJob.runId(started);
        try (loaded; OutputWriter writer = OutputWriter.open(spark, job.output(), hadoop, runId,
                OutputMetadata.of(job, model), console)) {
            if (writer.hasData()) {
                writer.checkAppendable(OutputSchema.of(job.scoring()));
            }
            MicroBatchScorer batches = new MicroBatchScorer(spark, job, model, writer, checkpoint.streamId(),
                    HadoopConfs.qualified(stream.checkpoint(), hadoop), console, started, startNanos);
            console.printf("xception-spark: stream %s: %s over %s with %s%n", checkpoint.streamId(),
                    stream.availableNow() ? "every file not scored yet (Trigger.AvailableNow)"
                            : "new files every " + stream.trigger().toMillis() / 1000.0 + " s", job.input().paths(),
                    model.identity());
            // Spark's file source builds each micro-batch's relation over its files (and, on a restart, the last
            // committed one's again) with a listing job of up to 10,000 tasks by default: one per task slot instead
            boolean ownListingParallelism = !spark.conf().contains(LISTING_PARALLELISM);
            if (ownListingParallelism) {
                spark.conf().set(LISTING_PARALLELISM, Integer.toString(ScoringPartitions.taskSlots(spark.sparkContext())));
            }
            try {
                files(spark, job.input(), stream).writeStream()
                        .foreachBatch(batches)
                        .option("checkpointLocation", stream.checkpoint())
                        .trigger(stream.availableNow() ? Trigger.AvailableNow()
                                : Trigger.ProcessingTime(stream.trigger().toMillis()))
                        .start()
                        .awaitTermination();
            } finally {
                if (ownListingParallelism) {
                    spark.conf().unset(LISTING_PARALLELISM);
                }
            }
            if (!stream.maxFileAge().equals(DEFAULT_MAX_FILE_AGE)) {
                warnAboutAgeSkips(spark, job.input(), stream, HadoopConfs.qualified(stream.checkpoint(), hadoop), console);
            }
            RunSummary summary = batches.summary();
            summary.writeBeside(job.output().path(), hadoop);
            return summary;
        } catch (StreamingQueryException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            if (cause instanceof JobConfigException config1) {
                throw config1;
            }
            throw new IllegalStateException("the stream failed: " + cause.getMessage(), cause);
        } catch (TimeoutException e) {
            throw new IllegalStateException("the stream did not start: " + e.getMessage(), e);
        }
    }

    /** input.paths as binaryFile stream sources (one per path, unioned), with the stream options, path-only columns. */
    static Dataset<Row> files(SparkSession spark, InputOptions input, StreamOptions stream) {
        Dataset<Row> all = null;
        for (String path : input.paths()) {
            DataStreamReader reader = spark.readStream().format("binaryFile").schema(BINARY_FILE_SCHEMA)
                    .option("recursiveFileLookup", input.recursive())
                    .option("latestFirst", stream.latestFirst())
                    .option("maxFileAge", stream.maxFileAge().toMillis() + "ms")
                    .option("cleanSource", stream.cleanSource());
            if (!input.pathGlobFilter().isBlank()) {
                reader = reader.option("pathGlobFilter", input.pathGlobFilter());
            }
            if (stream.maxFilesPerTrigger() > 0) {
                reader = reader.option("maxFilesPerTrigger", stream.maxFilesPerTrigger());
            }
            if (stream.maxBytesPerTrigger() > 0) {
                reader = reader.option("maxBytesPerTrigger", stream.maxBytesPerTrigger());
            }
            if (stream.cleanSource().equals("archive")) {
                reader = reader.option("sourceArchiveDir", stream.archiveDir());
            }
            Dataset<Row> one = reader.load(path).select("path");
            all = all == null ? one : all.union(one);
        }
        return all;
    }

    /**
     * Spark's file source ignores, without a word, a file whose modification time is more than maxFileAge before the
     * newest file it has taken (e.g. one copied in later with its old time kept, rsync -a). With a max-file-age other
     * than the default (which is long enough that this does not happen), the run ends by listing the input and naming
     * the files no micro-batch took that are that old.
     */
    private static void warnAboutAgeSkips(SparkSession spark, InputOptions input, StreamOptions stream,
                                          String checkpoint, PrintStream console) {
        java.util.Set<String> taken = new java.util.HashSet<>();
        long newest = Long.MIN_VALUE;
        for (int source = 0; source < input.paths().size(); source++) {
            for (org.apache.spark.sql.execution.streaming.runtime.FileStreamSource.FileEntry entry : MicroBatchFiles.log(
                    spark, checkpoint, source).allFiles()) {
                taken.add(new org.apache.hadoop.fs.Path(java.net.URI.create(entry.path())).toString());
                newest = Math.max(newest, entry.timestamp());
            }
        }
        long limit = newest - stream.maxFileAge().toMillis();
        java.util.List<String> skipped = InputFiles.list(spark, input).modificationTimes().entrySet().stream()
                .filter(e -> e.getValue() < limit && !taken.contains(e.getKey())).map(Map.Entry::getKey).sorted().toList();
        if (!skipped.isEmpty()) {
            console.printf("xception-spark: WARNING: %d input files were skipped for age: their modification time is more"
                    + " than input.stream.max-file-age = %s before the newest file the stream took, so Spark's file"
                    + " source ignores them (e.g. %s). Raise input.stream.max-file-age to score them.%n", skipped.size(),
                    stream.maxFileAge(), skipped.get(0));
        }
    }

    /** Spark would read its own checkpoint files as input. */
    private static void checkCheckpointOutsideInputs(JobConfig job, Configuration hadoop) {
        String checkpoint = HadoopConfs.qualified(job.source().stream().checkpoint(), hadoop);
        for (String p : job.input().paths()) {
            String in = HadoopConfs.qualified(p, hadoop);
            if (checkpoint.equals(in) || checkpoint.startsWith(in.endsWith("/") ? in : in + "/")) {
                throw new JobConfigException("The checkpoint " + job.source().stream().checkpoint() + " lies inside the"
                        + " input " + p + ": the stream would score its own files. Put input.stream.checkpoint"
                        + " (--checkpoint) somewhere else.");
            }
        }
        if (job.source().stream().cleanSource().equals("archive")) {
            String archive = HadoopConfs.qualified(job.source().stream().archiveDir(), hadoop);
            for (String p : job.input().paths()) {
                String in = HadoopConfs.qualified(p, hadoop);
                if (archive.equals(in) || archive.startsWith(in.endsWith("/") ? in : in + "/")) {
                    throw new JobConfigException("input.stream.archive-dir " + job.source().stream().archiveDir()
                            + " lies inside the input " + p + ": archived files would be scored again. Choose a"
                            + " directory outside input.paths.");
                }
            }
        }
    }
}
