package io.xceptionspark.spark;

import static org.apache.spark.sql.functions.col;

import io.xceptionspark.config.InputOptions;
import io.xceptionspark.config.JobConfigException;
import java.io.Serializable;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.fs.FileStatus;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.execution.datasources.HadoopFsRelation;
import org.apache.spark.sql.execution.datasources.LogicalRelation;
import org.apache.spark.sql.execution.datasources.PartitioningAwareFileIndex;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The job's input files (path, modification time, length), sorted by path, as Spark's binaryFile source lists
 * them (recursive lookup, path glob filter, modified before/after) but without a scan: local input is walked
 * on the driver ({@link InputWalk}); other file systems are listed by binaryFile's file index, which lists on
 * the driver when the source is created (with a parallel Spark job for many directories), and its file
 * statuses are taken from there. Zero-byte files are kept (a binaryFile scan leaves them out), so that they
 * too get their EMPTY row; entries that could not be listed as files carry their reason (listing_error).
 *
 * <p>Listing and spreading the files on the driver means no listing, sampling or shuffle stage before the
 * scoring stage: on a cluster those ran first on each executor's cold JVM. The driver holds the list (a path
 * and two longs per file, ~150 bytes; next to the file index's own statuses where the index listed them).
 */
public final class InputFiles {
    /** The listed rows' last column: why the entry is not a listable file (null for a file). */
    static final String LISTING_ERROR = "listing_error";
    private final List<ListedFile> files;

    private InputFiles(List<ListedFile> files) {
        this.files = files;
    }

    /**
     * Lists the input on the driver. Local inputs with recursive lookup: {@link InputWalk}, which turns
     * unlistable folders, link loops and unnamable files into entries with a reason. Other inputs: binaryFile's
     * file index (for many directories it lists in parallel); if that fails on something below a root, the
     * recursive walk lists again, one directory at a time, turning each problem into an entry.
     */
    public static InputFiles list(SparkSession spark, InputOptions input) {
        if (input.recursive() && InputWalk.allLocal(input, spark.sessionState().newHadoopConf())) {
            return sorted(InputWalk.list(spark, input));
        }
        try {
            return sorted(listWithIndex(spark, input));
        } catch (JobConfigException | IllegalStateException e) {
            throw e;
        } catch (Exception e) {
            if (!input.recursive()) {
                throw new JobConfigException("Spark cannot list the input " + input.paths() + " without recursive"
                        + " lookup: " + e.getMessage() + ". Set input.recursive = true, or fix input.paths.", e);
            }
            return sorted(InputWalk.list(spark, input));
        }
    }

    /** These files, sorted by path (a stream's micro-batch). */
    static InputFiles of(List<ListedFile> files) {
        return sorted(files);
    }

    private static InputFiles sorted(List<ListedFile> files) {
        List<ListedFile> copy = new ArrayList<>(files);
        copy.sort(Comparator.comparing(ListedFile::path));
        return new InputFiles(copy);
    }

    /** binaryFile's file index (recursive lookup, glob filter, modified before/after), without a scan. */
    private static List<ListedFile> listWithIndex(SparkSession spark, InputOptions input) {
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
        LogicalPlan plan = reader.load(input.paths().toArray(String[]::new)).queryExecution().analyzed();
        if (!(plan instanceof LogicalRelation relation && relation.relation() instanceof HadoopFsRelation fs
                && fs.location() instanceof PartitioningAwareFileIndex index)) {
            throw new IllegalStateException("binaryFile's plan is not a file index scan (" + plan.nodeName()
                    + "): a Spark version this listing does not know?");
        }
        List<ListedFile> files = new ArrayList<>();
        for (FileStatus status : CollectionConverters.asJava(index.allFiles())) {
            files.add(new ListedFile(status.getPath().toString(), status.getModificationTime(), status.getLen(), null));
        }
        return files;
    }

    /** Each file's modification time (epoch millis), by path; entries that are not files left out. */
    Map<String, Long> modificationTimes() {
        Map<String, Long> times = new java.util.HashMap<>();
        for (ListedFile f : files) {
            if (f.listingError == null && f.modifiedMillis != Long.MIN_VALUE) {
                times.put(f.path, f.modifiedMillis);
            }
        }
        return times;
    }

    public int count() {
        return files.size();
    }

    /** The files as (path, modification_time, length, listing_error) rows of a local DataFrame. */
    public Dataset<Row> rows(SparkSession spark) {
        boolean java8Time = OutputSchema.javaTimeValues(spark);
        return spark.createDataFrame(files.stream().map(f -> f.toRow(java8Time)).toList(), schema());
    }

    /**
     * The files whose (path, modification_time) is not in {@code done} (an output's rows). The anti-join runs in
     * tasks (the listing spread as by {@link #partitioned}, not a local relation copied on the driver); only the
     * paths left to score come back.
     */
    public InputFiles notIn(SparkSession spark, Dataset<Row> done) {
        Dataset<Row> listed = partitioned(spark, Math.max(1, spark.sparkContext().defaultParallelism()));
        Dataset<Row> todo = listed.join(done.select(col(OutputSchema.PATH), col(OutputSchema.MODIFICATION_TIME)),
                listed.col(OutputSchema.PATH).equalTo(done.col(OutputSchema.PATH))
                        .and(listed.col(OutputSchema.MODIFICATION_TIME).equalTo(done.col(OutputSchema.MODIFICATION_TIME))),
                "left_anti");
        Set<String> paths = new HashSet<>(todo.select(OutputSchema.PATH).as(Encoders.STRING()).collectAsList());
        return new InputFiles(files.stream().filter(f -> paths.contains(f.path())).toList());
    }

    /**
     * The files as rows in {@code partitions} contiguous runs of paths whose sizes differ by at most one file.
     * Each task receives only its own run (Spark's parallelized collection), not the whole list.
     */
    public Dataset<Row> partitioned(SparkSession spark, int partitions) {
        boolean java8Time = OutputSchema.javaTimeValues(spark);
        JavaRDD<Row> rows = JavaSparkContext.fromSparkContext(spark.sparkContext())
                .parallelize(files, partitions).map(f -> f.toRow(java8Time));
        return spark.createDataFrame(rows, schema());
    }

    /** The input columns, then why the entry could not be listed as a file (null for a file). */
    private static StructType schema() {
        return new StructType(OutputSchema.inputFields().toArray(StructField[]::new))
                .add(LISTING_ERROR, org.apache.spark.sql.types.DataTypes.StringType, true);
    }

    /**
     * One listed file, as it travels to its task (Kryo, registered): a plain class, since Kryo cannot set a
     * record's final fields. A listing problem (an unlistable folder, a link loop, ...) is an entry with its
     * reason; its time is Long.MIN_VALUE and its length -1 when unknown (null in the row).
     */
    static final class ListedFile implements Serializable {
        private static final long serialVersionUID = 1L;
        private final String path;
        private final long modifiedMillis;
        private final long length;
        private final String listingError;

        ListedFile(String path, long modifiedMillis, long length, String listingError) {
            this.path = path;
            this.modifiedMillis = modifiedMillis;
            this.length = length;
            this.listingError = listingError;
        }

        String path() {
            return path;
        }

        Row toRow(boolean java8Time) {
            Instant modified = modifiedMillis == Long.MIN_VALUE ? null : Instant.ofEpochMilli(modifiedMillis);
            Object time = modified == null || java8Time ? modified : Timestamp.from(modified);
            return RowFactory.create(path, time, length < 0 ? null : length, listingError);
        }
    }
}
