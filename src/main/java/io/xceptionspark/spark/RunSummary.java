package io.xceptionspark.spark;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * What one run did: printed as a table at the end and written as JSON beside the output
 * ({@value ScoringJob#SUMMARY_FILE} in the output directory; Spark's readers ignore files starting with _).
 *
 * @param model the model identity (as in every row's model column)
 * @param preprocess how images became network inputs: size, resize policy, interpolation, crop_pct, mean, std
 *                   (the pretrained configuration's values unless the job overrode them)
 * @param listed files the input paths and filters matched
 * @param skipped files left out because their (path, modification_time) was already in the output
 * @param scored rows with status OK
 * @param failed rows with status ERROR
 * @param failures failed rows by error code
 * @param partitions Spark partitions (tasks) the files were spread over
 * @param imagesPerSecond (scored + failed) / scoring seconds
 * @param scoringSeconds duration of the scoring and writing stage
 * @param durationSeconds duration of the whole run, listing included
 * @param stageSeconds the scoring tasks' time by stage ({@link io.xceptionspark.scoring.Stage} labels, in stage
 *                     order), summed over tasks on every executor: task seconds, not wall seconds
 */
public record RunSummary(String output, String saveMode, String mode, String model, String preprocess,
                         String startedAt, long listed,
                         long skipped, long scored, long failed, Map<String, Long> failures, int partitions,
                         double imagesPerSecond, double scoringSeconds, double durationSeconds,
                         Map<String, Double> stageSeconds) {

    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create();

    public RunSummary {
        failures = Map.copyOf(failures);
        // in stage order; summaries written before the stage account have none
        stageSeconds = stageSeconds == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(stageSeconds));
    }

    /** Each stage's share of the summed task time (0 when nothing was timed), in stage order. */
    public Map<String, Double> stageShares() {
        double total = stageSeconds.values().stream().mapToDouble(Double::doubleValue).sum();
        Map<String, Double> shares = new LinkedHashMap<>();
        stageSeconds.forEach((stage, seconds) -> shares.put(stage, total > 0 ? seconds / total : 0));
        return shares;
    }

    /** The summary table printed at the end of a run. */
    public String table() {
        StringBuilder b = new StringBuilder();
        b.append("xception-spark run summary\n");
        row(b, "output", output + " (parquet, " + saveMode + ")");
        row(b, "mode", mode);
        row(b, "model", model);
        row(b, "preprocess", preprocess);
        row(b, "started at", startedAt);
        row(b, "files listed", Long.toString(listed));
        row(b, "skipped", skipped + (skipped > 0 ? " (already in the output)" : ""));
        row(b, "scored", Long.toString(scored));
        row(b, "failed", Long.toString(failed));
        new TreeMap<>(failures).forEach((code, n) -> row(b, "  " + code, Long.toString(n)));
        row(b, "partitions", Integer.toString(partitions));
        row(b, "images/s", String.format(Locale.ROOT, "%.2f", imagesPerSecond));
        row(b, "duration", String.format(Locale.ROOT, "%.1f s (scoring %.1f s)", durationSeconds, scoringSeconds));
        if (!stageSeconds.isEmpty()) {
            b.append("  time by stage (task seconds summed over executors)\n");
            Map<String, Double> shares = stageShares();
            stageSeconds.forEach((stage, seconds) -> row(b, "  " + stage,
                    String.format(Locale.ROOT, "%8.1f s %5.1f%%", seconds, 100 * shares.get(stage))));
        }
        return b.toString();
    }

    private static void row(StringBuilder b, String name, String value) {
        b.append(String.format(Locale.ROOT, "  %-22s %s%n", name, value));
    }

    public String toJson() {
        return GSON.toJson(this);
    }

    public static RunSummary fromJson(String json) {
        return GSON.fromJson(json, RunSummary.class);
    }

    /** Writes the JSON into the output directory (any Hadoop file system), replacing an older summary. */
    public Path writeBeside(String outputPath, Configuration conf) {
        Path file = new Path(outputPath, ScoringJob.SUMMARY_FILE);
        try {
            FileSystem fs = file.getFileSystem(conf);
            try (OutputStream out = fs.create(file, true)) {
                out.write(toJson().getBytes(StandardCharsets.UTF_8));
            }
            return fs.makeQualified(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the run summary " + file + ": " + e.getMessage(), e);
        }
    }
}
