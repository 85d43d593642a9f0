package io.xceptionspark.search;

import static org.apache.spark.sql.functions.col;

import io.xceptionspark.config.JobConfigException;
import io.xceptionspark.spark.OutputSchema;
import io.xceptionspark.spark.ScoringResults;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * A job's output seen as a search index: the newest row per path that has an embedding (status OK), with
 * its label where the output has labels. Opening it checks that the output exists and has embeddings.
 */
public final class EmbeddingIndex {
    private final String location;
    private final Dataset<Row> rows;
    private final Dataset<Row> latest;
    private final boolean hasLabels;
    private final boolean hasSha256;

    private EmbeddingIndex(String location, Dataset<Row> rows, boolean hasLabels, boolean hasSha256) {
        this.location = location;
        this.rows = rows;
        this.latest = ScoringResults.latest(rows);
        this.hasLabels = hasLabels;
        this.hasSha256 = hasSha256;
    }

    /** The output at {@code path}; a missing output or one without embeddings is a configuration error. */
    public static EmbeddingIndex open(SparkSession spark, String path) {
        Dataset<Row> rows;
        try {
            rows = ScoringResults.read(spark, path);
        } catch (Exception e) { // Spark's AnalysisException (path not found, no Parquet files) is checked
            throw new JobConfigException("No xception-spark output to search at " + path + " (" + firstLine(e)
                    + "). Give --index the output path of a score run.", e);
        }
        List<String> columns = Arrays.asList(rows.columns());
        if (!columns.contains(OutputSchema.EMBEDDING)) {
            throw new JobConfigException("The output at " + path + " has no embedding column (it was scored with"
                    + " scoring.mode = labels). Score it again with --mode embeddings or --mode both.");
        }
        return new EmbeddingIndex(path, rows, columns.contains(OutputSchema.LABEL),
                columns.contains(OutputSchema.SHA256));
    }

    public String location() {
        return location;
    }

    public boolean hasLabels() {
        return hasLabels;
    }

    public boolean hasSha256() {
        return hasSha256;
    }

    /** The newest row of every path, whatever its status. */
    public Dataset<Row> latestRows() {
        return latest;
    }

    /**
     * Searchable rows: path, embedding and (when the output has labels) label, of the newest OK row per path.
     * The newest version is chosen on the narrow columns only and its rows picked from the scan by a broadcast
     * semi-join on (path, scored_at, modification_time), so that no embedding is shuffled (a run scores a path
     * once, so the key names one row).
     */
    public Dataset<Row> vectors() {
        List<Column> columns = new ArrayList<>(List.of(col(OutputSchema.PATH), col(OutputSchema.EMBEDDING)));
        if (hasLabels) {
            columns.add(col(OutputSchema.LABEL));
        }
        Dataset<Row> newest = ScoringResults.latest(rows.select(col(OutputSchema.PATH), col(OutputSchema.SCORED_AT),
                        col(OutputSchema.MODIFICATION_TIME), col(OutputSchema.STATUS),
                        col(OutputSchema.EMBEDDING).isNotNull().as("has_embedding")))
                .where(col(OutputSchema.STATUS).equalTo("OK").and(col("has_embedding")))
                .select(col(OutputSchema.PATH).as("n_path"), col(OutputSchema.SCORED_AT).as("n_scored_at"),
                        col(OutputSchema.MODIFICATION_TIME).as("n_modification_time"));
        // null-safe: a listing may leave modification_time null
        Column sameRow = col(OutputSchema.PATH).equalTo(col("n_path"))
                .and(col(OutputSchema.SCORED_AT).eqNullSafe(col("n_scored_at")))
                .and(col(OutputSchema.MODIFICATION_TIME).eqNullSafe(col("n_modification_time")));
        return rows.join(org.apache.spark.sql.functions.broadcast(newest), sameRow, "left_semi")
                .select(columns.toArray(Column[]::new));
    }

    /** The distinct model identities of the searchable rows (one, for a consistent index). */
    public List<String> models() {
        return latest.where(col(OutputSchema.EMBEDDING).isNotNull()).select(OutputSchema.MODEL).distinct()
                .as(org.apache.spark.sql.Encoders.STRING()).collectAsList();
    }

    private static String firstLine(Throwable e) {
        String m = String.valueOf(e.getMessage());
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
