package io.xceptionspark.spark;

import io.xceptionspark.config.JobConfigException;
import io.xceptionspark.config.OutputOptions;
import io.xceptionspark.config.SaveMode;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * One run's access to its output, from taking the writer's lock to releasing it: cleans up after dead runs,
 * tells whether there is data already, checks that this run may add to it, and writes the run's rows
 * crash-safe ({@link ParquetCommit} for Parquet, one transaction for Delta, {@link DeltaOutput}).
 */
final class OutputWriter implements AutoCloseable {
    private final SparkSession spark;
    private final OutputOptions output;
    private final FileSystem fs;
    private final Path dir;
    private final String runId;
    private final Map<String, String> metadata;
    private final OutputLock lock;

    private OutputWriter(SparkSession spark, OutputOptions output, FileSystem fs, Path dir, String runId,
                         Map<String, String> metadata, OutputLock lock) {
        this.spark = spark;
        this.output = output;
        this.fs = fs;
        this.dir = dir;
        this.runId = runId;
        this.metadata = metadata;
        this.lock = lock;
    }

    /** Takes the output's lock and cleans up what dead runs left; {@code metadata}: {@link OutputMetadata#of}. */
    static OutputWriter open(SparkSession spark, OutputOptions output, Configuration hadoop, String runId,
                             Map<String, String> metadata, PrintStream console) {
        if (output.delta()) {
            DeltaOutput.requireSession(spark);
        }
        Path dir = new Path(output.path());
        FileSystem fs;
        try {
            fs = ObjectStores.fileSystem(dir, hadoop, "output");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open " + output.path() + ": " + e.getMessage(), e);
        }
        OutputLock lock = OutputLock.acquire(fs, dir, runId);
        try {
            if (output.delta()) {
                // a table in the making: a run killed before its first commit leaves data files but no commit,
                // and the next run must still see a Delta table (not a Parquet dataset) here
                fs.mkdirs(new Path(dir, OutputDirs.DELTA_LOG));
            } else {
                new ParquetCommit(fs, dir).recover().forEach(line -> console.println("xception-spark: " + line));
            }
            return new OutputWriter(spark, output, fs, dir, runId, metadata, lock);
        } catch (IOException e) {
            lock.close();
            throw new UncheckedIOException("cannot prepare " + output.path() + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            lock.close();
            throw e;
        }
    }

    /** Whether the output holds rows of earlier runs (bookkeeping of dead runs does not count). */
    boolean hasData() {
        try {
            return output.delta() ? OutputDirs.hasDeltaCommit(fs, dir) : OutputDirs.hasVisibleEntries(fs, dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + output.path() + ": " + e.getMessage(), e);
        }
    }

    /** The rows of earlier runs. */
    Dataset<Row> read() {
        return ScoringResults.read(spark, output.path());
    }

    /** Adding rows must not mix layouts: same columns, and for Delta the same partitioning. */
    void checkAppendable(StructType schema) {
        StructType existing;
        try {
            existing = read().schema();
        } catch (RuntimeException e) {
            throw new JobConfigException("Cannot append to " + output.path() + ": it is not a readable "
                    + output.format().configName() + " output (" + e.getMessage() + "). Choose another output path.", e);
        }
        Map<String, String> ours = types(schema);
        Map<String, String> theirs = types(existing);
        if (!output.delta()) {
            theirs.remove(OutputDirs.RUN_COLUMN); // the run directories' partition column, not a written column
        }
        Set<String> partitionColumns = Set.copyOf(output.partitionBy());
        boolean same = ours.keySet().equals(theirs.keySet()) && ours.entrySet().stream()
                .allMatch(e -> partitionColumns.contains(e.getKey()) || e.getValue().equals(theirs.get(e.getKey()))
                        || e.getKey().equals(OutputSchema.RUN_DATE));
        if (!same) {
            throw new JobConfigException("Cannot append to " + output.path() + ": it holds columns "
                    + new TreeMap<>(theirs).keySet() + " but this job writes " + new TreeMap<>(ours).keySet()
                    + " (scoring.mode / scoring.include-logits differ). Use the same settings as the runs that wrote"
                    + " it, or another output path.");
        }
        if (output.delta()) {
            DeltaOutput.checkPartitioning(spark, output);
        }
    }

    /** Writes the run's rows with the output's save mode; readers see all of them or none. */
    void write(Dataset<Row> rows) {
        if (output.delta()) {
            DeltaOutput.write(spark, rows, output, hasData(), runId, metadata);
            return;
        }
        writeParquet(rows, runId);
    }

    /**
     * Whether a stream's micro-batch is in the output already (a replay after the driver died between writing it and
     * the checkpoint recording it): Delta, the table's txnVersion for {@code streamId}; Parquet, the batch's run
     * directory.
     */
    boolean hasMicroBatch(String streamId, long batchId, String batchRunId) {
        if (output.delta()) {
            return hasData() && DeltaOutput.committedTxnVersion(spark, output.path(), streamId) >= batchId;
        }
        try {
            return fs.exists(new Path(dir, OutputDirs.runDir(batchRunId)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot check " + output.path() + ": " + e.getMessage(), e);
        }
    }

    /**
     * A stream's micro-batch, exactly once: Delta, one idempotent transaction (txnAppId {@code streamId}, txnVersion
     * the batch id; MERGE on path); Parquet, one run directory named {@code batchRunId}, published like a run's.
     */
    void writeMicroBatch(Dataset<Row> rows, String streamId, long batchId, String batchRunId) {
        if (output.delta()) {
            DeltaOutput.writeMicroBatch(spark, rows, output, hasData(), streamId, batchId, batchRunId, metadata);
        } else {
            writeParquet(rows, batchRunId);
        }
    }

    private void writeParquet(Dataset<Row> rows, String runId) {
        ParquetCommit commit = new ParquetCommit(fs, dir);
        Map<String, String> footer = new LinkedHashMap<>(metadata);
        footer.put(OutputMetadata.RUN_ID, runId);
        ObjectStores.withStoreCommitter(spark, fs, () -> rows.write().format(FooterParquetFormat.class.getName())
                .options(footer).mode(SaveMode.ERROR_IF_EXISTS.sparkName())
                .partitionBy(output.partitionBy().toArray(String[]::new))
                .save(commit.staging(runId).toString()));
        commit.publish(runId, output.saveMode() == SaveMode.OVERWRITE);
    }

    @Override
    public void close() {
        lock.close();
    }

    private static Map<String, String> types(StructType schema) {
        return java.util.Arrays.stream(schema.fields())
                .collect(Collectors.toMap(StructField::name, f -> f.dataType().simpleString(), (a, b) -> a,
                        LinkedHashMap::new));
    }
}
