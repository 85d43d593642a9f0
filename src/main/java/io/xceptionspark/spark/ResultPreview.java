package io.xceptionspark.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.xceptionspark.scoring.ScoreResult;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** A few rows a run wrote, as a small text table (the sample job prints it after the summary). */
public final class ResultPreview {
    private ResultPreview() {}

    public static String of(SparkSession spark, RunSummary run, int rows) {
        Dataset<Row> written = ScoringResults.read(spark, run.output())
                .where(col(OutputSchema.SCORED_AT).equalTo(lit(Timestamp.from(Instant.parse(run.startedAt())))))
                .orderBy(OutputSchema.PATH).limit(rows);
        List<String> columns = Arrays.asList(written.columns());
        boolean labels = columns.contains(OutputSchema.LABEL);
        boolean embeddings = columns.contains(OutputSchema.EMBEDDING);
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%-28s %-6s %-30s %11s %s%n", "file",
                OutputSchema.STATUS, labels ? "label / error" : "error", labels ? OutputSchema.PROBABILITY : "",
                embeddings ? OutputSchema.EMBEDDING : ""));
        for (Row r : written.collectAsList()) {
            String path = r.getAs(OutputSchema.PATH);
            String file = path.substring(path.lastIndexOf('/') + 1);
            boolean ok = r.<String>getAs(OutputSchema.STATUS).equals(ScoreResult.OK);
            String what = ok ? (labels ? r.<String>getAs(OutputSchema.LABEL) : "")
                    : r.<String>getAs(OutputSchema.ERROR_CODE);
            String probability = ok && labels ? String.format(Locale.ROOT, "%.4f",
                    r.<Float>getAs(OutputSchema.PROBABILITY)) : "";
            String embedding = "";
            if (ok && embeddings) {
                List<Float> e = r.getList(r.fieldIndex(OutputSchema.EMBEDDING));
                embedding = String.format(Locale.ROOT, "%d floats [%.4f, %.4f, ...]", e.size(), e.get(0), e.get(1));
            }
            b.append(String.format(Locale.ROOT, "%-28s %-6s %-30s %11s %s%n", shorten(file, 28), ok ? "OK" : "ERROR",
                    shorten(what == null ? "" : what, 30), probability, embedding));
        }
        return b.toString();
    }

    private static String shorten(String s, int width) {
        return s.length() <= width ? s : s.substring(0, width - 1) + "~";
    }
}
