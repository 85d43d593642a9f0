package io.xceptionspark.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import io.xceptionspark.config.JobConfig;
import io.xceptionspark.config.JobConfigException;
import io.xceptionspark.config.ManifestOptions;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;

/**
 * A manifest: a Spark table, a Parquet, Delta or CSV file, or a query, whose path column names the files
 * (any Hadoop URI) or http(s) URLs to score. It stays a Dataset: the column is never collected to the driver;
 * its rows are spread over the scoring tasks by a round-robin repartition (a shuffle of the manifest's rows, not
 * of image bytes), and each task reads or downloads its own entries ({@link PartitionScorer}, {@link UrlFetcher}).
 * The manifest's other columns are carried to the end of the output rows (a name the output already has gets the
 * prefix {@value #CLASH_PREFIX}). Incremental runs skip the paths the output holds already (an anti-join in tasks).
 * A null path is an UNREADABLE row.
 */
final class ManifestInput implements ScoringInput {
    static final String CLASH_PREFIX = "manifest_";

    private final Dataset<Row> todo;
    private final long listed;
    private final long toScore;
    private final List<StructField> carried;

    private ManifestInput(Dataset<Row> todo, long listed, long toScore, List<StructField> carried) {
        this.todo = todo;
        this.listed = listed;
        this.toScore = toScore;
        this.carried = carried;
    }

    /**
     * The manifest as scoring rows (analysed, not run): exit code 2 for a manifest that cannot be read or lacks the
     * path column, before anything is written.
     */
    static Dataset<Row> read(SparkSession spark, JobConfig job) {
        ManifestOptions m = job.source().manifest();
        Dataset<Row> manifest;
        String what = m.sql().isBlank() ? "input.manifest.source = " + m.source() : "input.manifest.sql";
        try {
            manifest = load(spark, m);
        } catch (JobConfigException e) {
            throw e;
        } catch (Exception e) { // Spark's AnalysisException is a checked exception to Java
            throw new JobConfigException("Cannot read the manifest (" + what + "): " + firstLine(e) + ". Fix "
                    + (m.sql().isBlank() ? "--manifest / input.manifest.source or input.manifest.format" : "--sql / input.manifest.sql")
                    + ".", e);
        }
        String column = m.pathColumn();
        if (!Arrays.asList(manifest.columns()).contains(column)) {
            throw new JobConfigException("The manifest (" + what + ") has no column '" + column + "' (its columns: "
                    + String.join(", ", manifest.columns()) + "). Set --path-column / input.manifest.path-column.");
        }
        if (!manifest.schema().apply(column).dataType().equals(DataTypes.StringType)) {
            throw new JobConfigException("The manifest's column '" + column + "' is "
                    + manifest.schema().apply(column).dataType().simpleString() + ", not a string of paths or URLs."
                    + " Set --path-column / input.manifest.path-column to its column of paths or URLs.");
        }
        Set<String> taken = new HashSet<>(Arrays.asList(OutputSchema.of(job.scoring()).fieldNames()));
        taken.add(InputFiles.LISTING_ERROR);
        taken.add(OutputDirs.RUN_COLUMN);
        List<Column> columns = new ArrayList<>(List.of(
                org.apache.spark.sql.functions.coalesce(col(column), lit("")).as(OutputSchema.PATH),
                lit(null).cast(DataTypes.TimestampType).as(OutputSchema.MODIFICATION_TIME),
                lit(null).cast(DataTypes.LongType).as(OutputSchema.LENGTH),
                when(col(column).isNull(), lit("the manifest's " + column + " column is null in this row"))
                        .otherwise(lit(null).cast(DataTypes.StringType)).as(InputFiles.LISTING_ERROR)));
        for (String other : manifest.columns()) {
            if (!other.equals(column)) {
                columns.add(col("`" + other.replace("`", "``") + "`").as(taken.contains(other) ? CLASH_PREFIX + other : other));
            }
        }
        return manifest.select(columns.toArray(Column[]::new));
    }

    /** The rows to score: all of {@code rows}, or those whose path {@code done} (the output) does not hold. */
    static ManifestInput of(Dataset<Row> rows, Dataset<Row> done) {
        Dataset<Row> todo = done == null ? rows
                : rows.join(done.select(col(OutputSchema.PATH).as("done_path")).distinct(),
                        rows.col(OutputSchema.PATH).equalTo(col("done_path")), "left_anti");
        long listed = rows.count();
        long toScore = done == null ? listed : todo.count();
        List<StructField> carried = Arrays.asList(rows.schema().fields()).subList(PartitionScorer.CARRIED_FROM,
                rows.schema().fields().length);
        return new ManifestInput(todo, listed, toScore, carried);
    }

    private static Dataset<Row> load(SparkSession spark, ManifestOptions m) {
        if (!m.sql().isBlank()) {
            return spark.sql(m.sql());
        }
        String format = m.format().equals("auto") ? detect(spark, m.source()) : m.format();
        return switch (format) {
            case "table" -> spark.table(m.source());
            case "delta" -> spark.read().format("delta").load(m.source());
            case "csv" -> spark.read().option("header", "true").csv(m.source());
            default -> spark.read().parquet(m.source());
        };
    }

    /** auto: a Delta table directory, a .csv file, else Parquet; a name that is not an existing path is a table. */
    static String detect(SparkSession spark, String source) {
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        try {
            Path path = new Path(source);
            FileSystem fs = path.getFileSystem(conf);
            if (!fs.exists(path)) {
                if (source.contains("/") || source.contains(":")) {
                    throw new JobConfigException("The manifest " + source + " does not exist. Fix --manifest /"
                            + " input.manifest.source (a table name, or the path of a Parquet, Delta or CSV manifest).");
                }
                return "table";
            }
            if (fs.getFileStatus(path).isDirectory() && fs.exists(new Path(path, OutputDirs.DELTA_LOG))) {
                return "delta";
            }
            return source.toLowerCase(java.util.Locale.ROOT).endsWith(".csv") ? "csv" : "parquet";
        } catch (IOException | IllegalArgumentException e) {
            return "table";
        }
    }

    private static String firstLine(Throwable e) {
        String message = String.valueOf(e.getMessage());
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }

    @Override
    public long listed() {
        return listed;
    }

    @Override
    public long toScore() {
        return toScore;
    }

    @Override
    public List<StructField> carried() {
        return carried;
    }

    @Override
    public Dataset<Row> rows(SparkSession spark, int partitions) {
        return todo.repartition(partitions);
    }
}
