package io.xceptionspark.spark;

import io.xceptionspark.config.ScoringOptions;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The output row, defined once: every column of the job's output with its type, nullability, when it is present,
 * its meaning, and whether {@code output.partition-by} and {@code predict --json} take it ({@link #COLUMNS}). The
 * job's schema, the ML Transformers' and similar's result columns ({@link ResultColumns}, which also encodes a
 * result's values), {@code xception_error}'s type, predict's JSON and the partition columns are all derived from
 * it; code names a column by the constants below. The README's Output table documents the same columns in the same
 * order ({@code OutputSchemaTest} checks it). The column names and their order are a contract with the readers.
 */
public final class OutputSchema {
    public static final String PATH = "path";
    public static final String MODIFICATION_TIME = "modification_time";
    public static final String LENGTH = "length";
    public static final String SHA256 = "sha256";
    public static final String STATUS = "status";
    public static final String ERROR_CODE = "error_code";
    public static final String ERROR_MESSAGE = "error_message";
    public static final String LABEL = "label";
    public static final String CLASS_INDEX = "class_index";
    public static final String PROBABILITY = "probability";
    public static final String TOP_K = "top_k";
    public static final String EMBEDDING = "embedding";
    public static final String LOGITS = "logits";
    public static final String MODEL = "model";
    public static final String SCORED_AT = "scored_at";
    public static final String RUN_DATE = "run_date";
    /** A {@link #TOP_K} entry's WordNet id. */
    public static final String WNID = "wnid";

    /** Which part of the system fills a column. */
    public enum Part {
        /** The listing of the input files (also a manifest's columns). */
        LISTING,
        /** Reading the file's bytes. */
        READ,
        /** Scoring the image: {@link ResultColumns}, what the ML Transformers add to a DataFrame. */
        RESULT,
        /** The run. */
        RUN
    }

    /** When a column is in the output. */
    public enum When {
        ALWAYS, LABELS, EMBEDDINGS, INCLUDE_LOGITS;

        boolean in(ScoringOptions options) {
            return switch (this) {
                case ALWAYS -> true;
                case LABELS -> options.mode().labels();
                case EMBEDDINGS -> options.mode().embeddings();
                case INCLUDE_LOGITS -> options.includeLogits();
            };
        }
    }

    /**
     * One output column.
     *
     * @param partitionBy whether output.partition-by may name it (low-cardinality scalars)
     * @param predictJson whether {@code predict --json} prints it (when not null)
     * @param doc what it holds, for people
     */
    public record Column(String name, DataType type, boolean nullable, Part part, When when, boolean partitionBy,
                         boolean predictJson, String doc) implements Serializable {
        /** This column as a field named {@code prefix + name}. */
        public StructField field(String prefix) {
            return DataTypes.createStructField(prefix + name, type, nullable);
        }
    }

    /** One {@link #TOP_K} entry. */
    public static final StructType CLASS_SCORE = new StructType(new StructField[] {
        DataTypes.createStructField(CLASS_INDEX, DataTypes.IntegerType, false),
        DataTypes.createStructField(WNID, DataTypes.StringType, true),
        DataTypes.createStructField(LABEL, DataTypes.StringType, true),
        DataTypes.createStructField(PROBABILITY, DataTypes.FloatType, false)});

    private static final DataType FLOATS = DataTypes.createArrayType(DataTypes.FloatType, false);

    /** Every column, in the output's order. */
    public static final List<Column> COLUMNS = List.of(
            new Column(PATH, DataTypes.StringType, false, Part.LISTING, When.ALWAYS, false, false,
                    "the file, as Spark lists it (file:/data/a.jpg, hdfs://...)"),
            new Column(MODIFICATION_TIME, DataTypes.TimestampType, true, Part.LISTING, When.ALWAYS, false, false,
                    "the file's modification time when it was listed"),
            new Column(LENGTH, DataTypes.LongType, true, Part.LISTING, When.ALWAYS, false, false,
                    "file size in bytes"),
            new Column(SHA256, DataTypes.StringType, true, Part.READ, When.ALWAYS, false, false,
                    "SHA-256 of the file's bytes (64 hex digits); null when the file was not read (TOO_LARGE by size,"
                            + " UNREADABLE). Byte-identical files share it"),
            new Column(STATUS, DataTypes.StringType, false, Part.RESULT, When.ALWAYS, true, true, "OK or ERROR"),
            new Column(ERROR_CODE, DataTypes.StringType, true, Part.RESULT, When.ALWAYS, true, true,
                    "null when OK; EMPTY, UNSUPPORTED_FORMAT, UNSUPPORTED, CORRUPT, TOO_LARGE, TIMEOUT, UNREADABLE;"
                            + " manifest URLs also HTTP_<status>, TOO_MANY_REDIRECTS"),
            new Column(ERROR_MESSAGE, DataTypes.StringType, true, Part.RESULT, When.ALWAYS, false, true,
                    "null when OK; what went wrong"),
            new Column(LABEL, DataTypes.StringType, true, Part.RESULT, When.LABELS, false, false,
                    "labels/both: top-1 ImageNet label"),
            new Column(CLASS_INDEX, DataTypes.IntegerType, true, Part.RESULT, When.LABELS, false, false,
                    "labels/both: top-1 class index"),
            new Column(PROBABILITY, DataTypes.FloatType, true, Part.RESULT, When.LABELS, false, false,
                    "labels/both: top-1 softmax probability"),
            new Column(TOP_K, DataTypes.createArrayType(CLASS_SCORE, false), true, Part.RESULT, When.LABELS, false,
                    true, "labels/both: the top-k classes, most probable first"),
            new Column(EMBEDDING, FLOATS, true, Part.RESULT, When.EMBEDDINGS, false, true,
                    "embeddings/both: the pooled features (L2-normalised with scoring.normalize-embeddings); null in"
                            + " ERROR rows"),
            new Column(LOGITS, FLOATS, true, Part.RESULT, When.INCLUDE_LOGITS, false, true,
                    "only with scoring.include-logits = true: the raw classifier logits"),
            new Column(MODEL, DataTypes.StringType, false, Part.RUN, When.ALWAYS, true, false,
                    "architecture and weights, e.g. xception/imagenet:sha256=..."),
            new Column(SCORED_AT, DataTypes.TimestampType, false, Part.RUN, When.ALWAYS, false, false,
                    "start of the run that scored the row (all rows of one run share it)"),
            new Column(RUN_DATE, DataTypes.DateType, false, Part.RUN, When.ALWAYS, true, false,
                    "UTC date of scored_at, e.g. for output.partition-by = [run_date]"));

    /** The columns output.partition-by may name. */
    public static final List<String> PARTITION_COLUMNS = COLUMNS.stream().filter(Column::partitionBy)
            .map(Column::name).toList();

    /** {@code xception_error}'s result: why an image could not be scored (its error_code is never null there). */
    public static final StructType ERROR_TYPE = new StructType(new StructField[] {
        DataTypes.createStructField(ERROR_CODE, column(ERROR_CODE).type(), false),
        column(ERROR_MESSAGE).field("")});

    private OutputSchema() {}

    /** The column of this name. */
    public static Column column(String name) {
        for (Column c : COLUMNS) {
            if (c.name().equals(name)) {
                return c;
            }
        }
        throw new IllegalArgumentException("no output column " + name);
    }

    /** The columns of one part present with these options, in order. */
    public static List<Column> columns(Part part, ScoringOptions options) {
        return COLUMNS.stream().filter(c -> c.part() == part && c.when().in(options)).toList();
    }

    /** The columns a listing has: path, modification_time, length. */
    public static List<StructField> inputFields() {
        return COLUMNS.stream().filter(c -> c.part() == Part.LISTING).map(c -> c.field("")).toList();
    }

    /** The output schema for these options. */
    public static StructType of(ScoringOptions options) {
        List<StructField> fields = new ArrayList<>();
        for (Column c : COLUMNS) {
            if (c.when().in(options)) {
                fields.add(c.field(""));
            }
        }
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
