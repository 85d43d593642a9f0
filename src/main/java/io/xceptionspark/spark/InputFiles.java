package io.xceptionspark.spark;

import static org.apache.spark.sql.functions.col;

import io.xceptionspark.config.InputOptions;
import java.io.Serializable;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
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
 * them (recursive lookup, path glob filter, modified before/after) but without a Spark job: binaryFile's file
 * index lists on the driver when the source is created, and its file statuses are taken from there. Zero-byte
 * files are kept (a binaryFile scan leaves them out), so that they too get their EMPTY row.
 *
 * <p>Listing and spreading the files on the driver means no listing, sampling or shuffle stage before the
 * scoring stage: on a cluster those ran first on each executor's cold JVM. The driver holds the list (a path
 * and two longs per file, next to the file index's own statuses, which binaryFile keeps there anyway).
 */
public final class InputFiles {
    private final List<ListedFile> files;

    private InputFiles(List<ListedFile> files) {
        this.files = files;
    }

    /** Lists the input on the driver (binaryFile's file index; for many directories it lists in parallel). */
    public static InputFiles list(SparkSession spark, InputOptions input) {
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
            files.add(new ListedFile(status.getPath().toString(), status.getModificationTime(), status.getLen()));
        }
        files.sort(Comparator.comparing(ListedFile::path));
        return new InputFiles(files);
    }

    public int count() {
        return files.size();
    }

    /** The files as (path, modification_time, length) rows of a local DataFrame. */
    public Dataset<Row> rows(SparkSession spark) {
        boolean java8Time = OutputSchema.javaTimeValues(spark);
        return spark.createDataFrame(files.stream().map(f -> f.toRow(java8Time)).toList(), schema());
    }

    /** The files whose (path, modification_time) is not in {@code done} (an output's rows). */
    public InputFiles notIn(SparkSession spark, Dataset<Row> done) {
        Dataset<Row> listed = rows(spark);
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

    private static StructType schema() {
        return new StructType(OutputSchema.inputFields().toArray(StructField[]::new));
    }

    /**
     * One listed file, as it travels to its task (Kryo, registered): a plain class, since Kryo cannot set a
     * record's final fields.
     */
    static final class ListedFile implements Serializable {
        private static final long serialVersionUID = 1L;
        private final String path;
        private final long modifiedMillis;
        private final long length;

        ListedFile(String path, long modifiedMillis, long length) {
            this.path = path;
            this.modifiedMillis = modifiedMillis;
            this.length = length;
        }

        String path() {
            return path;
        }

        Row toRow(boolean java8Time) {
            Instant modified = Instant.ofEpochMilli(modifiedMillis);
            return RowFactory.create(path, java8Time ? modified : Timestamp.from(modified), length);
        }
    }
}
