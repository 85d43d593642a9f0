package io.xceptionspark.spark;

import io.xceptionspark.config.HttpOptions;
import io.xceptionspark.config.PreprocessOptions;
import io.xceptionspark.config.ScoringOptions;
import io.xceptionspark.inference.ModelCache;
import io.xceptionspark.inference.ModelSpec;
import io.xceptionspark.scoring.BatchScorer;
import io.xceptionspark.scoring.BatchingIterator;
import io.xceptionspark.scoring.ImageFile;
import io.xceptionspark.scoring.ResultOptions;
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
 *
 * <p>Manifests ({@link ManifestInput}): input rows may carry more columns after listing_error, which are copied to
 * the end of the output row; their http(s) URLs are downloaded by {@link UrlFetcher} (when {@link #withHttp} gave
 * its settings), and a modification time or length the manifest does not give comes from the file or the
 * response (Last-Modified) as it is read.
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
    /** The output row's columns ({@link OutputSchema#of}), carried columns left out. */
    private final String[] columns;
    private final ResultColumns results;
    private HttpOptions http;

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
        this.columns = OutputSchema.of(scoring).fieldNames();
        this.results = new ResultColumns(scoring);
    }

    /** Lets the scorer download http(s) paths (manifests) with these settings; without them a URL is UNREADABLE. */
    public PartitionScorer withHttp(HttpOptions options) {
        this.http = options;
        return this;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
        Configuration conf = HadoopConfs.rebuild(hadoopConf);
        BatchScorer scorer = TaskScorers.open(model, preprocess, scoring, ResultOptions.of(scoring), conf,
                stages);
        Object scoredAtValue = java8Time ? scoredAt : Timestamp.from(scoredAt);
        LocalDate runDate = LocalDate.ofInstant(scoredAt, ZoneOffset.UTC);
        Object runDateValue = java8Time ? runDate : java.sql.Date.valueOf(runDate);
        UrlFetcher fetcher = http == null ? null : new UrlFetcher(http, preprocess.maxFileBytes());
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
        return new BatchingIterator<>(files, scorer, file -> read(file, scorer, conf, fetcher), (file, result) -> {
            counters.add(result);
            Row row = file.row;
            int extra = Math.max(0, row.length() - CARRIED_FROM);
            Object[] values = new Object[columns.length + extra];
            for (int c = 0; c < columns.length; c++) {
                switch (columns[c]) {
                    case OutputSchema.PATH -> values[c] = row.getString(0);
                    case OutputSchema.MODIFICATION_TIME -> values[c] = row.isNullAt(1) && file.modifiedMillis >= 0
                            ? time(file.modifiedMillis) : row.get(1);
                    case OutputSchema.LENGTH -> values[c] = row.isNullAt(2) && file.length >= 0
                            ? (Object) file.length : row.get(2);
                    case OutputSchema.SHA256 -> values[c] = file.sha256;
                    case OutputSchema.STATUS -> { // the first result column: the results fill theirs
                        results.fill(result, values, c);
                        c += results.size() - 1;
                    }
                    case OutputSchema.MODEL -> values[c] = modelIdentity;
                    case OutputSchema.SCORED_AT -> values[c] = scoredAtValue;
                    case OutputSchema.RUN_DATE -> values[c] = runDateValue;
                    default -> throw new IllegalStateException("no value for output column " + columns[c]);
                }
            }
            for (int i = 0; i < extra; i++) {
                values[columns.length + i] = row.get(CARRIED_FROM + i);
            }
            return RowFactory.create(values);
        });
    }

    /** Input columns from here on are a manifest's, carried to the end of the output row. */
    static final int CARRIED_FROM = 4;

    private Object time(long millis) {
        Instant t = Instant.ofEpochMilli(millis);
        return java8Time ? t : Timestamp.from(t);
    }

    /**
     * A listed file on its way through the scorer, with the checksum of its bytes once they are read, and its
     * modification time and length as found while reading (-1: not found).
     */
    private static final class ListedFile {
        final Row row;
        String sha256;
        long modifiedMillis = -1;
        long length = -1;

        ListedFile(Row row) {
            this.row = row;
        }
    }

    /** The file's bytes (and their SHA-256); a file over the size limit is not read at all. */
    private ImageFile read(ListedFile listed, BatchScorer scorer, Configuration conf, UrlFetcher fetcher) {
        Row row = listed.row;
        String path = row.getString(0);
        if (row.length() > 3 && !row.isNullAt(3)) { // InputFiles.LISTING_ERROR: listed, but not as a file
            return ImageFile.failed(ScoreResult.UNREADABLE, row.getString(3));
        }
        ImageFile overLimit = scorer.overLimit(row.isNullAt(2) ? -1 : row.getLong(2));
        if (overLimit != null) {
            return overLimit;
        }
        if (UrlFetcher.isUrl(path)) {
            if (fetcher == null) {
                return ImageFile.failed(ScoreResult.UNREADABLE, path + ": URLs are read only by manifests (input.mode = manifest)");
            }
            UrlFetcher.Fetched fetched = fetcher.fetch(path);
            if (fetched.failure() != null) {
                return new ImageFile(null, fetched.failure());
            }
            listed.sha256 = Checksums.sha256(fetched.bytes());
            listed.length = fetched.bytes().length;
            listed.modifiedMillis = fetched.lastModified();
            return ImageFile.of(fetched.bytes());
        }
        Path file = new Path(path);
        if (row.isNullAt(1) || row.isNullAt(2)) { // a manifest's path: its status was not listed
            try {
                org.apache.hadoop.fs.FileStatus status = HadoopConfs.inputFileSystem(file, conf).getFileStatus(file);
                if (status.isDirectory()) {
                    return ImageFile.failed(ScoreResult.UNREADABLE, path + " is a directory, not a file");
                }
                listed.modifiedMillis = status.getModificationTime();
                listed.length = status.getLen();
                overLimit = scorer.overLimit(listed.length);
                if (overLimit != null) {
                    return overLimit;
                }
            } catch (IOException | RuntimeException e) {
                return ImageFile.failed(ScoreResult.UNREADABLE, "cannot read " + path + ": " + e);
            }
        }
        try (InputStream in = HadoopConfs.inputFileSystem(file, conf).open(file)) {
            byte[] bytes = in.readNBytes((int) Math.min(preprocess.maxFileBytes() + 1, Integer.MAX_VALUE - 8));
            ImageFile read = scorer.input(bytes, null);
            if (read.readFailure() == null) { // not over the limit
                listed.sha256 = Checksums.sha256(bytes);
            }
            return read;
        } catch (IOException | RuntimeException e) {
            return ImageFile.failed(ScoreResult.UNREADABLE, "cannot read " + path + ": " + e);
        }
    }
}
