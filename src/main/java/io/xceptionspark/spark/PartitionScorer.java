package io.xceptionspark.spark;

import io.xceptionspark.config.PreprocessOptions;
import io.xceptionspark.config.ScoringOptions;
import io.xceptionspark.inference.ModelCache;
import io.xceptionspark.inference.ModelSpec;
import io.xceptionspark.scoring.BatchScorer;
import io.xceptionspark.scoring.BatchingIterator;
import io.xceptionspark.scoring.ImageFile;
import io.xceptionspark.scoring.ScoreResult;
import io.xceptionspark.weights.Checksums;
import java.io.IOException;
import java.io.InputStream;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Iterator;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * Executor side of the job: scores one partition of listed files (path, modification_time, length) into
 * output rows ({@link OutputSchema}). The model comes from the executor-wide {@link ModelCache} (loaded
 * once per JVM, shared by the task threads); each task gets its own predictor, closed when the partition
 * is done or the task ends. Files are read (and checksummed) here, through Hadoop's file systems, so no image bytes are
 * shuffled; a file over the size limit is never read. Every input row yields exactly one output row.
 */
public final class PartitionScorer implements MapPartitionsFunction<Row, Row> {
    private static final long serialVersionUID = 1L;

    private final ModelSpec model;
    private final PreprocessOptions preprocess;
    private final ScoringOptions scoring;
    private final String modelIdentity;
    private final Instant scoredAt;
    private final boolean java8Time;
    private final HashMap<String, String> hadoopConf;
    private final RunCounters counters;
    private final StageAccount stages;

    /**
     * @param java8Time whether the session hands out java.time values (spark.sql.datetime.java8API.enabled)
     * @param hadoopConf the driver's non-default Hadoop settings
     * @param counters the run's rows by outcome
     * @param stages the run's time by stage
     */
    public PartitionScorer(ModelSpec model, PreprocessOptions preprocess, ScoringOptions scoring, String modelIdentity,
                           Instant scoredAt, boolean java8Time, HashMap<String, String> hadoopConf,
                           RunCounters counters, StageAccount stages) {
        this.model = model;
        this.preprocess = preprocess;
        this.scoring = scoring;
        this.modelIdentity = modelIdentity;
        this.scoredAt = scoredAt;
        this.java8Time = java8Time;
        this.hadoopConf = hadoopConf;
        this.counters = counters;
        this.stages = stages;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
        Configuration conf = HadoopConfs.rebuild(hadoopConf);
        BatchScorer scorer = TaskScorers.open(model, preprocess, scoring, conf, stages);
        ResultColumns results = new ResultColumns(scoring);
        Object scoredAtValue = java8Time ? scoredAt : Timestamp.from(scoredAt);
        LocalDate runDate = LocalDate.ofInstant(scoredAt, ZoneOffset.UTC);
        Object runDateValue = java8Time ? runDate : java.sql.Date.valueOf(runDate);
        Iterator<ListedFile> files = new Iterator<>() {
            @Override
            public boolean hasNext() {
                return rows.hasNext();
            }

            @Override
            public ListedFile next() {
                return new ListedFile(rows.next());
            }
        };
        return new BatchingIterator<>(files, scorer, file -> read(file, conf), (file, result) -> {
            counters.add(result);
            Row row = file.row;
            Object[] values = new Object[7 + results.size()];
            values[0] = row.getString(0);
            values[1] = row.get(1);
            values[2] = row.get(2);
            values[3] = file.sha256;
            results.fill(result, values, 4);
            int n = 4 + results.size();
            values[n] = modelIdentity;
            values[n + 1] = scoredAtValue;
            values[n + 2] = runDateValue;
            return RowFactory.create(values);
        });
    }

    /** A listed file on its way through the scorer, with the checksum of its bytes once they are read. */
    private static final class ListedFile {
        final Row row;
        String sha256;

        ListedFile(Row row) {
            this.row = row;
        }
    }

    /** The file's bytes (and their SHA-256); a file over the size limit is not read at all. */
    private ImageFile read(ListedFile listed, Configuration conf) {
        Row row = listed.row;
        String path = row.getString(0);
        if (row.length() > 3 && !row.isNullAt(3)) { // InputFiles.LISTING_ERROR: listed, but not as a file
            return ImageFile.failed(ScoreResult.UNREADABLE, row.getString(3));
        }
        long length = row.isNullAt(2) ? -1 : row.getLong(2);
        long max = preprocess.maxFileBytes();
        if (length > max) {
            return ImageFile.tooLarge(length, max);
        }
        Path file = new Path(path);
        try (InputStream in = HadoopConfs.inputFileSystem(file, conf).open(file)) {
            byte[] bytes = in.readNBytes((int) Math.min(max + 1, Integer.MAX_VALUE - 8));
            if (bytes.length > max) {
                return ImageFile.tooLarge(bytes.length, max);
            }
            listed.sha256 = Checksums.sha256(bytes);
            return ImageFile.of(bytes);
        } catch (IOException | RuntimeException e) {
            return ImageFile.failed(ScoreResult.UNREADABLE, "cannot read " + path + ": " + e);
        }
    }
}
