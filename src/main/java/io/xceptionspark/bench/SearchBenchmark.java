package io.xceptionspark.bench;

import static org.apache.spark.sql.functions.col;

import io.xceptionspark.config.JobConfig;
import io.xceptionspark.config.JobConfigLoader;
import io.xceptionspark.search.EmbeddingIndex;
import io.xceptionspark.search.NearDuplicates;
import io.xceptionspark.search.NearestNeighbors;
import io.xceptionspark.spark.ScoringJob;
import io.xceptionspark.spark.SparkSessions;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Similarity search benchmark (not a test): real embeddings of the sample photos from the job, perturbed
 * into an index of N rows; then recall@10 of APPROX NEAREST against EXACT NEAREST, query latency for 1 and
 * 1,000 queries, and the duplicates run (NEAREST self-join, and --exact for recall) at the given sizes.
 *
 * <p>Arguments: {@code WEIGHTS.h5 IMAGES_DIR WORK_DIR ROWS DUPLICATE_ROWS(comma list) OUT.json}
 */
public final class SearchBenchmark {
    private SearchBenchmark() {}

    public static void main(String[] args) {
        String weights = args[0];
        String images = args[1];
        Path work = Path.of(args[2]);
        int rows = Integer.parseInt(args[3]);
        List<Integer> duplicateRows = java.util.Arrays.stream(args[4].split(",")).map(Integer::parseInt).toList();
        Path out = Path.of(args[5]);
        JobConfig job = new JobConfigLoader().setList("input.paths", List.of(images))
                .set("output.path", work.resolve("real").toString()).set("output.save-mode", "overwrite")
                .set("model.weights", weights).set("scoring.mode", "both").load();
        SparkSession spark = SparkSession.builder().config(SparkSessions.sparkConf(job, null))
                .config("spark.ui.enabled", "false").getOrCreate();
        ScoringJob.run(spark, job, new PrintStream(OutputStream.nullOutputStream()));
        List<float[]> real = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        for (Row r : spark.read().parquet(work.resolve("real").toString()).where("status = 'OK'").collectAsList()) {
            real.add(floats(r.getList(r.fieldIndex("embedding"))));
            labels.add(r.getAs("label"));
        }
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("real_embeddings", real.size());
        figures.put("method", "each row: one real embedding mixed with a second (weight U(0, 0.5)) plus Gaussian"
                + " noise (sigma 0.3 x the mean absolute feature), seeded; byte-identical pairs are not modelled");

        String index = synthesize(spark, real, labels, rows, work.resolve("index-" + rows));
        EmbeddingIndex idx = EmbeddingIndex.open(spark, index);
        figures.put("index_rows", rows);
        figures.put("recall_at_10_approx_vs_exact", recallAt10(spark, idx, 100));
        figures.put("query_seconds_1", querySeconds(spark, idx, 1));
        figures.put("query_seconds_1000", querySeconds(spark, idx, 1000));

        Map<String, Object> duplicates = new LinkedHashMap<>();
        for (int n : duplicateRows) {
            String dupIndex = n == rows ? index : synthesize(spark, real, labels, n, work.resolve("index-" + n));
            EmbeddingIndex d = EmbeddingIndex.open(spark, dupIndex);
            Map<String, Object> run = new LinkedHashMap<>();
            long start = System.nanoTime();
            Path approxOut = work.resolve("pairs-" + n);
            NearDuplicates.find(spark, d, 0.95, 10, false).write().mode(SaveMode.Overwrite).parquet(approxOut.toString());
            run.put("nearest_join_seconds", (System.nanoTime() - start) / 1e9);
            Set<String> approx = pairs(spark, approxOut);
            run.put("nearest_join_pairs", approx.size());
            if (n <= 20_000) {
                start = System.nanoTime();
                Path exactOut = work.resolve("pairs-exact-" + n);
                NearDuplicates.find(spark, d, 0.95, 10, true).write().mode(SaveMode.Overwrite).parquet(exactOut.toString());
                run.put("exact_seconds", (System.nanoTime() - start) / 1e9);
                Set<String> exact = pairs(spark, exactOut);
                run.put("exact_pairs", exact.size());
                Set<String> found = new HashSet<>(exact);
                found.retainAll(approx);
                run.put("recall_vs_exact", exact.isEmpty() ? 1.0 : (double) found.size() / exact.size());
            }
            duplicates.put(Integer.toString(n), run);
            System.out.println("duplicates at " + n + " rows: " + run);
        }
        figures.put("duplicates_threshold_0.95", duplicates);
        Map<String, Object> report = BenchReport.withMachine(figures);
        System.out.println(report);
        BenchReport.writeJson(out, report);
        spark.stop();
    }

    /** N rows of the output schema's searchable columns, from the real embeddings, written as Parquet. */
    private static String synthesize(SparkSession spark, List<float[]> real, List<String> labels, int n, Path dir) {
        int dim = real.get(0).length;
        double meanAbs = 0;
        for (float[] v : real) {
            for (float x : v) {
                meanAbs += Math.abs(x);
            }
        }
        meanAbs /= (double) real.size() * dim;
        double sigma = 0.3 * meanAbs;
        StructType schema = new StructType()
                .add("path", DataTypes.StringType, false)
                .add("modification_time", DataTypes.TimestampType, false)
                .add("status", DataTypes.StringType, false)
                .add("label", DataTypes.StringType, true)
                .add("embedding", DataTypes.createArrayType(DataTypes.FloatType, false), true)
                .add("model", DataTypes.StringType, false)
                .add("scored_at", DataTypes.TimestampType, false);
        Timestamp now = Timestamp.from(Instant.now());
        int chunk = 2_000;
        for (int start = 0; start < n; start += chunk) {
            List<Row> rows = new ArrayList<>();
            for (int i = start; i < Math.min(n, start + chunk); i++) {
                Random r = new Random(i * 31L + 7);
                int a = r.nextInt(real.size());
                int b = r.nextInt(real.size());
                double w = r.nextDouble() * 0.5;
                float[] v = new float[dim];
                for (int j = 0; j < dim; j++) {
                    v[j] = (float) ((1 - w) * real.get(a)[j] + w * real.get(b)[j] + sigma * r.nextGaussian());
                }
                rows.add(RowFactory.create(String.format("file:/bench/img-%07d.jpg", i), now, "OK", labels.get(a),
                        scala.collection.immutable.ArraySeq.unsafeWrapArray(v), "bench", now));
            }
            spark.createDataFrame(rows, schema).write().mode(start == 0 ? SaveMode.Overwrite : SaveMode.Append)
                    .parquet(dir.toString());
        }
        return dir.toString();
    }

    private static double recallAt10(SparkSession spark, EmbeddingIndex idx, int queries) {
        Dataset<Row> q = queries(idx, queries);
        Map<String, Set<String>> approx = neighbours(NearestNeighbors.search(spark, q, idx, 10, false));
        Map<String, Set<String>> exact = neighbours(NearestNeighbors.search(spark, q, idx, 10, true));
        double sum = 0;
        for (Map.Entry<String, Set<String>> e : exact.entrySet()) {
            Set<String> hit = new HashSet<>(e.getValue());
            hit.retainAll(approx.getOrDefault(e.getKey(), Set.of()));
            sum += hit.size() / (double) e.getValue().size();
        }
        return sum / exact.size();
    }

    private static double querySeconds(SparkSession spark, EmbeddingIndex idx, int queries) {
        Dataset<Row> q = queries(idx, queries).cache();
        q.count();
        long start = System.nanoTime();
        NearestNeighbors.search(spark, q, idx, 10, false).collectAsList();
        double seconds = (System.nanoTime() - start) / 1e9;
        q.unpersist();
        System.out.printf("%d queries against %s: %.2f s%n", queries, idx.location(), seconds);
        return seconds;
    }

    private static Dataset<Row> queries(EmbeddingIndex idx, int n) {
        return idx.vectors().orderBy(col("path")).limit(n).select(col("path").as(NearestNeighbors.QUERY),
                col("embedding"));
    }

    private static Map<String, Set<String>> neighbours(Dataset<Row> result) {
        Map<String, Set<String>> byQuery = new HashMap<>();
        for (Row r : result.collectAsList()) {
            byQuery.computeIfAbsent(r.getAs(NearestNeighbors.QUERY), k -> new HashSet<>()).add(r.getAs("path"));
        }
        return byQuery;
    }

    private static Set<String> pairs(SparkSession spark, Path dir) {
        Set<String> pairs = new HashSet<>();
        for (Row r : spark.read().parquet(dir.toString()).collectAsList()) {
            pairs.add(r.getAs("path_a") + "|" + r.getAs("path_b"));
        }
        return pairs;
    }

    private static float[] floats(List<Float> list) {
        float[] v = new float[list.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = list.get(i);
        }
        return v;
    }
}
