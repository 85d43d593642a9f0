package io.xceptionspark.report;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

import io.xceptionspark.config.ReportOptions;
import io.xceptionspark.scoring.ScoreResult;
import io.xceptionspark.spark.OutputSchema;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;

/**
 * Gathers a {@link ReportData} from an output with Spark: aggregations over every row (counts, failures by
 * code, label distribution, confidence histogram, runs), top-N selections for the bounded samples (no full
 * sort, no collect of the output), then the thumbnails of the sampled files.
 */
public final class ReportGatherer {
    /** Example rows shown per error code. */
    static final int FAILURE_EXAMPLES = 4;
    /** Label bars in the distribution chart. */
    static final int TOP_LABELS = 30;
    /** Runs listed in the history (the newest). */
    static final int MAX_RUNS = 50;

    private final SparkSession spark;
    private final ReportOptions options;
    private final Thumbnailer thumbnailer;

    public ReportGatherer(SparkSession spark, ReportOptions options, long maxFileBytes, long maxPixels) {
        this.spark = spark;
        this.options = options;
        this.thumbnailer = new Thumbnailer(options.thumbnailSize(), maxFileBytes, maxPixels);
    }

    /** Seconds per step of the last {@link #gather} (for the benchmark). */
    public Map<String, Double> stepSeconds() {
        return Map.copyOf(steps);
    }

    private final Map<String, Double> steps = new LinkedHashMap<>();

    private <T> T step(String name, java.util.function.Supplier<T> work) {
        long start = System.nanoTime();
        try {
            return work.get();
        } finally {
            steps.merge(name, (System.nanoTime() - start) / 1e9, Double::sum);
        }
    }

    public ReportData gather(ReportInput input) {
        Dataset<Row> rows = input.rows();
        boolean labels = input.has(OutputSchema.LABEL) && input.has(OutputSchema.PROBABILITY);
        boolean topK = input.has(OutputSchema.TOP_K);
        boolean embeddings = input.has(OutputSchema.EMBEDDING);
        boolean runs = input.has(OutputSchema.SCORED_AT);
        Map<String, String> notes = new LinkedHashMap<>();
        Column ok = col(OutputSchema.STATUS).equalTo(ScoreResult.OK);

        ReportData.Totals totals = step("totals", () -> totals(rows, ok, input.has(OutputSchema.MODEL)));
        List<ReportData.Run> history = runs ? step("history", () -> history(rows, ok, input.has(OutputSchema.MODEL)))
                : List.of();
        if (!runs) {
            notes.put("history", "The output has no scored_at column, so its runs cannot be told apart.");
        }
        Dataset<Row> scored = rows.where(ok);
        List<ReportData.LabelCount> labelCounts = null;
        long[] histogram = null;
        if (labels) {
            labelCounts = step("labels", () -> labelCounts(scored));
            histogram = step("confidence", () -> histogram(scored));
        } else {
            notes.put("labels", "The output has no label or probability column (an embeddings-only run), so there"
                    + " is no label distribution, confidence histogram or label filter.");
        }

        Dataset<Row> shownRows = sample(scored, labels, topK, embeddings).cache();
        try {
            List<ReportData.Picture> gallery = step("sample", () -> pictures(shownRows, labels, topK));
            if (gallery.isEmpty()) {
                notes.put("gallery", "No image of this output was scored.");
            }
            EmbeddingMap.Projection map = null;
            List<ReportData.Neighbours> neighbours = null;
            if (!embeddings) {
                notes.put("embeddings", "The output has no embedding column (a labels-only run), so there is no"
                        + " embedding map and no nearest neighbours.");
            } else if (totals.scored() < 3) {
                notes.put("embeddings", "An embedding map and neighbours need at least 3 scored images; this output"
                        + " has " + totals.scored() + ".");
            } else {
                Dataset<Row> embedded = scored.where(col(OutputSchema.EMBEDDING).isNotNull())
                        .select(col(OutputSchema.PATH), labelColumn(labels), col(OutputSchema.EMBEDDING));
                map = step("map", () -> EmbeddingMap.of(embedded, totals.scored(), shownRows.select(
                        col(OutputSchema.PATH), labelColumn(labels), col(OutputSchema.EMBEDDING))));
                if (options.neighbourQueries() > 0) {
                    Dataset<Row> queries = shownRows.orderBy(xxhash64(col(OutputSchema.PATH)))
                            .limit(options.neighbourQueries())
                            .select(col(OutputSchema.PATH), labelColumn(labels), col(OutputSchema.EMBEDDING));
                    neighbours = step("neighbours", () -> NearestNeighbours.of(embedded, queries, options.neighbours()));
                }
            }
            List<ReportData.FailureGroup> failures = step("failures", () -> failures(rows));
            Set<String> paths = new LinkedHashSet<>();
            gallery.forEach(p -> paths.add(p.path()));
            failures.forEach(g -> g.examples().forEach(f -> paths.add(f.path())));
            if (neighbours != null) {
                neighbours.forEach(n -> n.nearest().forEach(m -> paths.add(m.path())));
            }
            Map<String, String> thumbnails = step("thumbnails", () -> ThumbnailJob.of(spark, new ArrayList<>(paths),
                    thumbnailer));
            return new ReportData(input.path(), input.summary(), totals, history, input.tableHistory(), labelCounts, histogram, gallery,
                    failures, map, neighbours, thumbnails, notes);
        } finally {
            shownRows.unpersist();
        }
    }

    private static Column labelColumn(boolean labels) {
        return labels ? col(OutputSchema.LABEL) : lit(null).cast("string").as(OutputSchema.LABEL);
    }

    private static ReportData.Totals totals(Dataset<Row> rows, Column ok, boolean hasModel) {
        Row t = rows.agg(count(lit(1)), sum(when(ok, 1).otherwise(0)), countDistinct(col(OutputSchema.PATH))).first();
        long all = t.getLong(0);
        long scored = t.isNullAt(1) ? 0 : t.getLong(1);
        List<String> models = hasModel ? rows.select(OutputSchema.MODEL).distinct().orderBy(OutputSchema.MODEL)
                .limit(20).as(org.apache.spark.sql.Encoders.STRING()).collectAsList() : List.of();
        return new ReportData.Totals(all, scored, all - scored, t.getLong(2), models);
    }

    private static List<ReportData.Run> history(Dataset<Row> rows, Column ok, boolean hasModel) {
        Column model = hasModel ? col(OutputSchema.MODEL) : lit("").as(OutputSchema.MODEL);
        List<Row> newest = rows.groupBy(col(OutputSchema.SCORED_AT), model)
                .agg(count(lit(1)), sum(when(ok, 1).otherwise(0)))
                .orderBy(col(OutputSchema.SCORED_AT).desc()).limit(MAX_RUNS).collectAsList();
        List<ReportData.Run> runs = new ArrayList<>();
        for (int i = newest.size() - 1; i >= 0; i--) {
            Row r = newest.get(i);
            long n = r.getLong(2);
            long scored = r.getLong(3);
            runs.add(new ReportData.Run(r.isNullAt(0) ? "" : r.get(0).toString(), r.getString(1), n, scored,
                    n - scored));
        }
        return runs;
    }

    private static List<ReportData.LabelCount> labelCounts(Dataset<Row> scored) {
        List<ReportData.LabelCount> out = new ArrayList<>();
        for (Row r : scored.groupBy(OutputSchema.LABEL).count().orderBy(col("count").desc(),
                col(OutputSchema.LABEL)).limit(TOP_LABELS).collectAsList()) {
            out.add(new ReportData.LabelCount(r.isNullAt(0) ? "(none)" : r.getString(0), r.getLong(1)));
        }
        return out;
    }

    private static long[] histogram(Dataset<Row> scored) {
        long[] bins = new long[ReportData.CONFIDENCE_BINS];
        Column bin = least(floor(col(OutputSchema.PROBABILITY).multiply(ReportData.CONFIDENCE_BINS)),
                lit(ReportData.CONFIDENCE_BINS - 1)).cast("int");
        for (Row r : scored.where(col(OutputSchema.PROBABILITY).isNotNull()).groupBy(bin.as("bin")).count()
                .collectAsList()) {
            bins[Math.max(0, r.getInt(0))] += r.getLong(1);
        }
        return bins;
    }

    /**
     * The gallery's rows: half the least confident (where problems hide), the rest a uniform sample, picked by
     * a hash of the path so the same output gives the same report. Both are top-N selections.
     */
    private Dataset<Row> sample(Dataset<Row> scored, boolean labels, boolean topK, boolean embeddings) {
        List<Column> columns = new ArrayList<>(List.of(col(OutputSchema.PATH), labelColumn(labels)));
        columns.add(labels ? col(OutputSchema.PROBABILITY) : lit(null).cast("float").as(OutputSchema.PROBABILITY));
        columns.add(topK ? col(OutputSchema.TOP_K) : lit(null).as(OutputSchema.TOP_K));
        if (embeddings) {
            columns.add(col(OutputSchema.EMBEDDING));
        }
        Dataset<Row> slim = scored.select(columns.toArray(Column[]::new));
        int n = options.sampleImages();
        if (!labels) {
            return slim.orderBy(xxhash64(col(OutputSchema.PATH))).limit(n);
        }
        Dataset<Row> unsure = slim.orderBy(col(OutputSchema.PROBABILITY).asc(), col(OutputSchema.PATH)).limit(n / 2);
        Dataset<Row> random = slim.join(unsure.select(OutputSchema.PATH), new String[] {OutputSchema.PATH},
                "left_anti").orderBy(xxhash64(col(OutputSchema.PATH))).limit(n - n / 2);
        return unsure.unionByName(random);
    }

    private static List<ReportData.Picture> pictures(Dataset<Row> shown, boolean labels, boolean topK) {
        List<ReportData.Picture> out = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        for (Row r : shown.select(OutputSchema.PATH, OutputSchema.LABEL, OutputSchema.PROBABILITY,
                OutputSchema.TOP_K).collectAsList()) {
            if (!seen.add(r.getString(0))) {
                continue; // an incremental output's older row of the same file
            }
            List<ReportData.ClassProbability> top = new ArrayList<>();
            if (topK && !r.isNullAt(3)) {
                for (Row e : r.<Row>getList(3)) {
                    if (top.size() == 3) {
                        break;
                    }
                    top.add(new ReportData.ClassProbability(e.getAs(OutputSchema.LABEL),
                            ((Number) e.getAs(OutputSchema.PROBABILITY)).floatValue()));
                }
            }
            float p = labels && !r.isNullAt(2) ? ((Number) r.get(2)).floatValue() : Float.NaN;
            out.add(new ReportData.Picture(r.getString(0), r.isNullAt(1) ? null : r.getString(1), p, top));
        }
        return out;
    }

    private static List<ReportData.FailureGroup> failures(Dataset<Row> rows) {
        Dataset<Row> failed = rows.where(col(OutputSchema.STATUS).notEqual(ScoreResult.OK));
        Map<String, Long> counts = new TreeMap<>();
        for (Row r : failed.groupBy(OutputSchema.ERROR_CODE).count().collectAsList()) {
            counts.put(r.isNullAt(0) ? "(no code)" : r.getString(0), r.getLong(1));
        }
        Map<String, List<ReportData.Failure>> examples = new TreeMap<>();
        for (Row r : failed.withColumn("n", row_number().over(Window.partitionBy(OutputSchema.ERROR_CODE)
                        .orderBy(xxhash64(col(OutputSchema.PATH)))))
                .where(col("n").leq(FAILURE_EXAMPLES))
                .select(OutputSchema.ERROR_CODE, OutputSchema.PATH, OutputSchema.ERROR_MESSAGE)
                .orderBy(OutputSchema.ERROR_CODE, OutputSchema.PATH).collectAsList()) {
            examples.computeIfAbsent(r.isNullAt(0) ? "(no code)" : r.getString(0), c -> new ArrayList<>())
                    .add(new ReportData.Failure(r.getString(1), r.isNullAt(2) ? "" : r.getString(2)));
        }
        List<ReportData.FailureGroup> groups = new ArrayList<>();
        counts.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .forEach(e -> groups.add(new ReportData.FailureGroup(e.getKey(), e.getValue(),
                        examples.getOrDefault(e.getKey(), List.of()))));
        return groups;
    }
}
