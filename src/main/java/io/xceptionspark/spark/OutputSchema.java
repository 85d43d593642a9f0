package io.xceptionspark.spark;

import io.xceptionspark.config.ScoringOptions;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The columns of the job's Parquet output. One row per input file:
 * <pre>
 * path               string     the file (as Spark lists it, e.g. file:/data/a.jpg)
 * modification_time  timestamp  the file's modification time when it was listed
 * length             bigint     the file's size in bytes
 * sha256             string     SHA-256 of the file's bytes (64 hex digits); null when the file was not read
 *                               (over preprocess.max-file-bytes, or unreadable): groups byte-identical files
 * status             string     OK or ERROR
 * error_code         string     null when OK; EMPTY, UNSUPPORTED_FORMAT, UNSUPPORTED, CORRUPT, TOO_LARGE, TIMEOUT,
 *                               UNREADABLE (also: a folder, link loop or name that could not be listed)
 * error_message      string     null when OK; what went wrong
 * label              string     labels/both: top-1 ImageNet label
 * class_index        int        labels/both: top-1 class index
 * probability        float      labels/both: top-1 softmax probability
 * top_k              array&lt;struct&lt;class_index int, wnid string, label string, probability float&gt;&gt;
 *                               labels/both: the top-k classes, most probable first
 * embedding          array&lt;float&gt; embeddings/both: the 2048-d pooled features (optionally L2-normalised)
 * logits             array&lt;float&gt; scoring.include-logits: the raw classifier logits
 * model              string     architecture and weights checksum, e.g. xception/imagenet:sha256=...
 * scored_at          timestamp  start of the run that scored the row (all rows of a run share it)
 * run_date           date       the UTC date of scored_at (handy for output.partition-by)
 * </pre>
 */
public final class OutputSchema {
    public static final String PATH = "path";
    public static final String MODIFICATION_TIME = "modification_time";
    public static final String LENGTH = "length";
    public static final String SHA256 = "sha256";
    public static final String MODEL = "model";
    public static final String SCORED_AT = "scored_at";
    public static final String RUN_DATE = "run_date";

    private OutputSchema() {}

    /** The columns a listing has: path, modification_time, length. */
    public static List<StructField> inputFields() {
        return List.of(DataTypes.createStructField(PATH, DataTypes.StringType, false),
                DataTypes.createStructField(MODIFICATION_TIME, DataTypes.TimestampType, true),
                DataTypes.createStructField(LENGTH, DataTypes.LongType, true));
    }

    /** The output schema for these options. */
    public static StructType of(ScoringOptions options) {
        List<StructField> fields = new ArrayList<>(inputFields());
        fields.add(DataTypes.createStructField(SHA256, DataTypes.StringType, true));
        fields.addAll(new ResultColumns(options).fields());
        fields.add(DataTypes.createStructField(MODEL, DataTypes.StringType, false));
        fields.add(DataTypes.createStructField(SCORED_AT, DataTypes.TimestampType, false));
        fields.add(DataTypes.createStructField(RUN_DATE, DataTypes.DateType, false));
        return new StructType(fields.toArray(StructField[]::new));
    }

    /** The output columns, then a manifest's carried columns (those of {@code input} after listing_error). */
    public static StructType withCarried(StructType output, StructType input) {
        StructType schema = output;
        for (int i = PartitionScorer.CARRIED_FROM; i < input.fields().length; i++) {
            schema = schema.add(input.fields()[i]);
        }
        return schema;
    }

    /**
     * Whether {@code spark}'s rows hold java.time values ({@code Instant}) for TIMESTAMP columns rather than
     * {@code java.sql.Timestamp} (spark.sql.datetime.java8API.enabled): rows built for it must match.
     */
    public static boolean javaTimeValues(org.apache.spark.sql.SparkSession spark) {
        return Boolean.parseBoolean(spark.conf().get("spark.sql.datetime.java8API.enabled", "false"));
    }
}
