package io.xceptionspark.report;

import io.xceptionspark.spark.RunSummary;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything a report shows, gathered from an output by {@link ReportGatherer}: counts over every row, and
 * bounded samples (pictures, examples, neighbours) so the file stays small for any output size. A section
 * whose columns the output lacks has a null value here and a note in {@link #notes()}.
 *
 * @param summary the last run's summary, when the output has one
 * @param history rows per run (grouped by scored_at and model), oldest first
 * @param tableHistory a Delta table's commits, newest first (empty for Parquet)
 * @param labels top-1 label counts, most frequent first (null: no label column)
 * @param confidence top-1 probability histogram, {@link #CONFIDENCE_BINS} equal bins over [0, 1] (null: no labels)
 * @param gallery the sampled scored images
 * @param map 2-D projection of the gallery's embeddings (null: no embeddings)
 * @param neighbours nearest neighbours of a few gallery images (null: no embeddings)
 * @param thumbnails data: URIs by path, for every picture the report shows (missing: nothing decodes)
 * @param notes why a section is left out or thin, by section id
 */
public record ReportData(String output, Optional<RunSummary> summary, Totals totals, List<Run> history,
                         List<ReportInput.Commit> tableHistory,
                         List<LabelCount> labels, long[] confidence, List<Picture> gallery,
                         List<FailureGroup> failures, EmbeddingMap.Projection map, List<Neighbours> neighbours,
                         Map<String, String> thumbnails, Map<String, String> notes) {
    public static final int CONFIDENCE_BINS = 20;

    /** Row counts over the whole output. */
    public record Totals(long rows, long scored, long failed, long distinctPaths, List<String> models) {}

    /** One run of the output (rows sharing scored_at). */
    public record Run(String scoredAt, String model, long rows, long scored, long failed) {}

    public record LabelCount(String label, long count) {}

    /** A scored image: top-1 and its top-3 (empty for embeddings-only outputs). */
    public record Picture(String path, String label, float probability, List<ClassProbability> top) {}

    public record ClassProbability(String label, float probability) {}

    /** The failed rows of one error code: their count and a few examples. */
    public record FailureGroup(String code, long count, List<Failure> examples) {}

    public record Failure(String path, String message) {}

    /** A query image and its most similar images, most similar first. */
    public record Neighbours(String path, String label, List<Neighbour> nearest) {}

    public record Neighbour(String path, String label, double similarity) {}
}
