package io.xceptionspark.spark;

import io.xceptionspark.config.JobConfig;
import io.xceptionspark.inference.ScoringModel;
import java.io.PrintStream;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/**
 * The stream's foreachBatch (driver side): scores one micro-batch's files as a batch run scores its listing (spread
 * over {@link ScoringPartitions} partitions, {@link PartitionScorer}: the same rows) and writes them exactly once
 * ({@link OutputWriter#writeMicroBatch}; a micro-batch the output holds already, replayed after a crash, is not
 * scored again). Prints a line per micro-batch and keeps the run's totals for the {@link RunSummary}, which is also
 * written beside the output after each micro-batch (an always-on stream has no end).
 */
final class MicroBatchScorer implements VoidFunction2<Dataset<Row>, Long> {
    private static final long serialVersionUID = 1L;

    private final transient SparkSession spark;
    private final transient JobConfig job;
    private final transient ScoringModel model;
    private final transient OutputWriter writer;
    private final String streamId;
    private final String checkpoint;
    private final transient PrintStream console;
    private final transient RunCounters counters;
    private final transient StageAccount stages;
    private final transient Configuration hadoop;
    private long files;
    private long replayed;
    private int partitions;
    private double scoringSeconds;
    private final Instant started;
    private final long startNanos;

    /** @param started the run's start (and {@code startNanos}, System.nanoTime then) */
    MicroBatchScorer(SparkSession spark, JobConfig job, ScoringModel model, OutputWriter writer, String streamId,
                     String checkpoint, PrintStream console, Instant started, long startNanos) {
        this.started = started;
        this.startNanos = startNanos;
        this.spark = spark;
        this.job = job;
        this.model = model;
        this.writer = writer;
        this.streamId = streamId;
        this.checkpoint = checkpoint;
        this.console = console;
        this.counters = RunCounters.register(spark.sparkContext());
        this.stages = StageAccount.register(spark.sparkContext());
        this.hadoop = spark.sparkContext().hadoopConfiguration();
    }

    /** A micro-batch's run id (its Parquet run directory, its Delta commit's userMetadata): the same on a replay. */
    static String batchRunId(String streamId, long batchId) {
        return streamId + "-batch-" + String.format(Locale.ROOT, "%08d", batchId);
    }

    @Override
    public void call(Dataset<Row> ignored, Long batchId) {
        long start = System.nanoTime();
        String runId = batchRunId(streamId, batchId);
        List<InputFiles.ListedFile> batchFiles = MicroBatchFiles.of(spark, checkpoint, batchId);
        if (batchFiles.isEmpty()) {
            return;
        }
        if (writer.hasMicroBatch(streamId, batchId, runId)) {
            replayed += batchFiles.size();
            console.printf("xception-spark: micro-batch %d (%d files) is in the output already: a replay after a"
                    + " crash, not scored again%n", batchId, batchFiles.size());
            return;
        }
        long scoredBefore = counters.scored();
        Map<String, Long> failedBefore = counters.failures();
        InputFiles todo = InputFiles.of(batchFiles);
        int n = ScoringPartitions.count(spark.sparkContext(), todo.count(), job.input());
        Instant scoredAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
        StructType schema = OutputSchema.of(job.scoring());
        PartitionScorer scorer = new PartitionScorer(job.model(), job.preprocess(), job.scoring(),
                model.identity().toString(), scoredAt, OutputSchema.javaTimeValues(spark), HadoopConfs.nonDefaults(hadoop),
                counters, stages);
        writer.writeMicroBatch(todo.partitioned(spark, n).mapPartitions(scorer, Encoders.row(schema)), streamId,
                batchId, runId);
        CommitListeners.reached(CommitListener.Stage.MICRO_BATCH_WRITTEN, runId);
        double seconds = (System.nanoTime() - start) / 1e9;
        files += todo.count();
        partitions += n;
        scoringSeconds += seconds;
        long scored = counters.scored() - scoredBefore;
        Map<String, Long> failed = new TreeMap<>();
        counters.failures().forEach((code, count) -> {
            long d = count - failedBefore.getOrDefault(code, 0L);
            if (d > 0) {
                failed.put(code, d);
            }
        });
        long failedCount = failed.values().stream().mapToLong(Long::longValue).sum();
        console.printf(Locale.ROOT, "xception-spark: micro-batch %d (run %s): %d files in %d partitions, %d scored,"
                + " %d failed%s, %.1f s, %.2f images/s%n", batchId, runId, todo.count(), n, scored, failedCount,
                failed.isEmpty() ? "" : " " + failed, seconds, (scored + failedCount) / Math.max(seconds, 1e-9));
        summary().writeBeside(job.output().path(), hadoop);
    }

    /** The run's summary so far: every micro-batch it scored. */
    RunSummary summary() {
        Map<String, Long> failures = counters.failures();
        long failed = failures.values().stream().mapToLong(Long::longValue).sum();
        long scored = counters.scored();
        return new RunSummary(HadoopConfs.qualified(job.output().path(), hadoop), "append (stream " + streamId + ")",
                job.scoring().mode().configName(), ScoringJob.modelDescription(job, model),
                model.inputHeight() + "x" + model.inputWidth() + " " + job.preprocess().describe(), started.toString(),
                files + replayed, replayed, scored, failed, failures, partitions,
                scoringSeconds > 0 ? (scored + failed) / scoringSeconds : 0, scoringSeconds,
                (System.nanoTime() - startNanos) / 1e9, stages.seconds());
    }
}
