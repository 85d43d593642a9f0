package io.xceptionspark.bench;

import static org.apache.spark.sql.functions.col;

import io.xceptionspark.config.JobConfig;
import io.xceptionspark.config.JobConfigLoader;
import io.xceptionspark.search.EmbeddingIndex;
import io.xceptionspark.search.LshParameters;
import io.xceptionspark.search.NearDuplicates;
import io.xceptionspark.search.NearestNeighbors;
import io.xceptionspark.scoring.ScoreResult;
import io.xceptionspark.spark.OutputSchema;
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
 * Similarity search benchmark (not a test; docs/SEARCH.md). Synthetic indices built from the job's real
 * embeddings of the sample photos (each row a random mix of them plus noise, and 1 row in 100 a planted
 * near-duplicate of the row before it at a known cosine in [0.955, 0.995]); then
 * <ul>
 *   <li>{@code similar}: recall@10 against a brute-force top-10 computed here, latency of 1 and 1,000 queries;</li>
 *   <li>{@code duplicates} at threshold 0.95: LSH run time and settings, recall of the planted pairs, and at
 *       sizes up to 20,000 rows the {@code --exact} run (every pair) and the LSH's recall against it.</li>
 * </ul>
 *
 * <p>Arguments: {@code WEIGHTS.h5|none IMAGES_DIR WORK_DIR ROWS DUPLICATE_ROWS(comma list) OUT.json}
 */
public final class SearchBenchmark {
    static final double THRESHOLD = 0.95;
    static final int EXACT_UP_TO = 20_000;
    static final int PLANT_EVERY = 100;

    private SearchBenchmark() {}

    /** A synthetic index and its planted pairs ("path_a|path_b" to cosine). */
    record Synthetic(String location, Map<String, Double> planted) {}

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
        for (Row r : spark.read().parquet(work.resolve("real").toString())
                .where(col(OutputSchema.STATUS).equalTo(ScoreResult.OK)).collectAsList()) {
            real.add(floats(r.getList(r.fieldIndex(OutputSchema.EMBEDDING))));
            labels.add(r.getAs(OutputSchema.LABEL));
        }
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("real_embeddings", real.size());
        figures.put("weights", weights);
        figures.put("method", "each row: a Dirichlet(0.3) mix of the real embeddings plus Gaussian noise (sigma 1.0"
                + " x their mean absolute feature), seeded; every " + PLANT_EVERY + "th row a planted near-duplicate"
                + " of the row before it (noise scaled to a target cosine uniform in [0.955, 0.995])");
        figures.put("load_average_at_start", loadAverage());

        Synthetic index = null;
        if (rows > 0) { // ROWS=0: the duplicates runs only
            index = synthesize(spark, real, labels, rows, work.resolve("index-" + rows));
            EmbeddingIndex idx = EmbeddingIndex.open(spark, index.location());
            figures.put("index_rows", rows);
            figures.put("random_pair_cosine", randomPairCosine(idx));
            Dataset<Row> one = queries(idx, 1);
            String plan = NearestNeighbors.search(spark, one, idx, 10).queryExecution().executedPlan().toString();
            System.out.println("similar, physical plan:\n" + plan);
            // the pairs never reach Spark SQL (PartitionTopK): no nested-loop join, no sort of pairs
            figures.put("similar_plan_materialises_pairs", plan.contains("NestedLoopJoin") || plan.contains("SortAggregate"));
            figures.put("recall_at_10_vs_brute_force", recallAt10(spark, idx, 100));
            figures.put("query_seconds_1", querySeconds(spark, idx, 1));
            figures.put("query_seconds_1000", querySeconds(spark, idx, 1000));
            BenchReport.writeJson(out, BenchReport.withMachine(figures));
        }

        Map<String, Object> duplicates = new LinkedHashMap<>();
        figures.put("duplicates_threshold_" + THRESHOLD, duplicates);
        for (int n : duplicateRows) {
            Synthetic d = n == rows && index != null ? index : synthesize(spark, real, labels, n, work.resolve("index-" + n));
            EmbeddingIndex dupIndex = EmbeddingIndex.open(spark, d.location());
            Map<String, Object> run = new LinkedHashMap<>();
            run.put("load_average_at_start", loadAverage());
            long start = System.nanoTime();
            Path lshOut = work.resolve("pairs-" + n);
            NearDuplicates.Result lsh = NearDuplicates.find(spark, dupIndex, THRESHOLD, false);
            lsh.pairs().write().mode(SaveMode.Overwrite).parquet(lshOut.toString());
            run.put("lsh_seconds", (System.nanoTime() - start) / 1e9);
            LshParameters p = lsh.lsh();
            run.put("lsh_settings", Map.of("bucket_length", p.bucketLength(), "bands", p.bands(),
                    "hashes_per_band", p.hashesPerBand(), "predicted_recall_at_threshold",
                    p.recallAtSimilarity(THRESHOLD)));
            Set<String> found = pairs(spark, lshOut);
            run.put("lsh_pairs", found.size());
            run.put("planted_pairs", d.planted().size());
            run.put("planted_recall", recall(d.planted().keySet(), found));
            if (n <= EXACT_UP_TO) {
                // the exact answer, every pair, computed here on the driver (the Spark --exact run costs one
                // vector_cosine_similarity per pair, ~5 us on this machine: 2 x 10^8 pairs would take ~10 min)
                start = System.nanoTime();
                Set<String> exact = exactPairs(dupIndex, THRESHOLD);
                run.put("exact_brute_force_seconds", (System.nanoTime() - start) / 1e9);
                run.put("exact_pairs", exact.size());
                run.put("lsh_recall_vs_exact", recall(exact, found));
                Set<String> extra = new HashSet<>(found);
                extra.removeAll(exact);
                run.put("lsh_pairs_not_in_exact", extra.size());
            }
            duplicates.put(Integer.toString(n), run);
            System.out.println("duplicates at " + n + " rows: " + run);
            BenchReport.writeJson(out, BenchReport.withMachine(figures));
        }
        Map<String, Object> report = BenchReport.withMachine(figures);
        System.out.println(report);
        BenchReport.writeJson(out, report);
        spark.stop();
    }

    /** N rows of the output schema's searchable columns, from the real embeddings, written as Parquet. */
    static Synthetic synthesize(SparkSession spark, List<float[]> real, List<String> labels, int n, Path dir) {
        int dim = real.get(0).length;
        double meanAbs = 0;
        for (float[] v : real) {
            for (float x : v) {
                meanAbs += Math.abs(x);
            }
        }
        meanAbs /= (double) real.size() * dim;
        StructType schema = new StructType()
                .add(OutputSchema.PATH, DataTypes.StringType, false)
                .add(OutputSchema.MODIFICATION_TIME, DataTypes.TimestampType, false)
                .add(OutputSchema.STATUS, DataTypes.StringType, false)
                .add(OutputSchema.LABEL, DataTypes.StringType, true)
                .add(OutputSchema.EMBEDDING, DataTypes.createArrayType(DataTypes.FloatType, false), true)
                .add(OutputSchema.MODEL, DataTypes.StringType, false)
                .add(OutputSchema.SCORED_AT, DataTypes.TimestampType, false);
        Timestamp now = Timestamp.from(Instant.now());
        Map<String, Double> planted = new HashMap<>();
        int chunk = 2_000;
        float[] previous = null;
        for (int start = 0; start < n; start += chunk) {
            List<Row> rows = new ArrayList<>();
            for (int i = start; i < Math.min(n, start + chunk); i++) {
                Random r = new Random(i * 31L + 7);
                float[] v = new float[dim];
                int label;
                if (i % PLANT_EVERY == PLANT_EVERY - 1 && previous != null) {
                    // a copy at a known cosine: noise of norm |x| sqrt(1/c^2 - 1) is ~orthogonal to x
                    double target = 0.955 + 0.04 * r.nextDouble();
                    double sigma = norm(previous) * Math.sqrt(1 / (target * target) - 1) / Math.sqrt(dim);
                    for (int j = 0; j < dim; j++) {
                        v[j] = (float) (previous[j] + sigma * r.nextGaussian());
                    }
                    planted.put(path(i - 1) + "|" + path(i), cosine(previous, v));
                    label = 0;
                } else {
                    double[] w = dirichlet(r, real.size(), 0.3);
                    int top = 0;
                    for (int a = 0; a < real.size(); a++) {
                        top = w[a] > w[top] ? a : top;
                        for (int j = 0; j < dim; j++) {
                            v[j] += (float) (w[a] * real.get(a)[j]);
                        }
                    }
                    for (int j = 0; j < dim; j++) {
                        v[j] += (float) (meanAbs * r.nextGaussian());
                    }
                    label = top;
                }
                previous = v;
                rows.add(RowFactory.create(path(i), now, "OK", labels.get(label),
                        scala.collection.immutable.ArraySeq.unsafeWrapArray(v), "bench", now));
            }
            spark.createDataFrame(rows, schema).write().mode(start == 0 ? SaveMode.Overwrite : SaveMode.Append)
                    .parquet(dir.toString());
        }
        return new Synthetic(dir.toString(), planted);
    }

    private static String path(int i) {
        return String.format("file:/bench/img-%07d.jpg", i);
    }

    private static double[] dirichlet(Random r, int n, double alpha) {
        double[] w = new double[n];
        double sum = 0;
        for (int i = 0; i < n; i++) {
            w[i] = gamma(r, alpha);
            sum += w[i];
        }
        for (int i = 0; i < n; i++) {
            w[i] /= sum;
        }
        return w;
    }

    /** Gamma(alpha, 1) for alpha &lt; 1 (Marsaglia-Tsang on alpha + 1, scaled by U^(1/alpha)). */
    private static double gamma(Random r, double alpha) {
        double d = alpha + 1 - 1.0 / 3;
        double c = 1 / Math.sqrt(9 * d);
        while (true) {
            double x = r.nextGaussian();
            double v = Math.pow(1 + c * x, 3);
            if (v > 0 && Math.log(r.nextDouble()) < 0.5 * x * x + d - d * v + d * Math.log(v)) {
                return d * v * Math.pow(r.nextDouble(), 1 / alpha);
            }
        }
    }

    /** Mean over the queries of |top-10 of the search ∩ brute-force top-10| / 10. */
    private static double recallAt10(SparkSession spark, EmbeddingIndex idx, int queries) {
        Unit index = Unit.of(idx.vectors());
        Unit q = Unit.of(queries(idx, queries).toDF(OutputSchema.PATH, OutputSchema.EMBEDDING));
        Map<String, Set<String>> found = neighbours(NearestNeighbors.search(spark, queries(idx, queries), idx, 10));
        double sum = 0;
        for (int query = 0; query < q.paths().length; query++) {
            float[] qv = q.vectors()[query];
            Integer[] order = new Integer[index.paths().length];
            double[] sim = new double[order.length];
            for (int i = 0; i < order.length; i++) {
                order[i] = i;
                sim[i] = dot(qv, index.vectors()[i]);
            }
            java.util.Arrays.sort(order, java.util.Comparator.<Integer>comparingDouble(i -> -sim[i])
                    .thenComparing(i -> index.paths()[i]));
            Set<String> truth = new HashSet<>();
            for (int r = 0; r < 10; r++) {
                truth.add(index.paths()[order[r]]);
            }
            sum += recall(truth, found.getOrDefault(q.paths()[query], Set.of()));
        }
        return sum / q.paths().length;
    }

    /** Paths and unit vectors of (path, embedding) rows, collected. */
    private record Unit(String[] paths, float[][] vectors) {
        static Unit of(Dataset<Row> rows) {
            List<Row> list = rows.select(OutputSchema.PATH, OutputSchema.EMBEDDING).collectAsList();
            String[] paths = new String[list.size()];
            float[][] vectors = new float[list.size()][];
            for (int i = 0; i < paths.length; i++) {
                paths[i] = list.get(i).getString(0);
                float[] v = floats(list.get(i).getList(1));
                double norm = norm(v);
                for (int j = 0; j < v.length; j++) {
                    v[j] /= (float) norm;
                }
                vectors[i] = v;
            }
            return new Unit(paths, vectors);
        }
    }

    /** Every pair at cosine >= t, by brute force over the unit vectors (parallel over rows). */
    private static Set<String> exactPairs(EmbeddingIndex idx, double t) {
        Unit unit = Unit.of(idx.vectors());
        String[] paths = unit.paths();
        Set<String> pairs = java.util.concurrent.ConcurrentHashMap.newKeySet();
        java.util.stream.IntStream.range(0, paths.length).parallel().forEach(a -> {
            for (int b = a + 1; b < paths.length; b++) {
                if (dot(unit.vectors()[a], unit.vectors()[b]) >= t) {
                    pairs.add(paths[a].compareTo(paths[b]) < 0 ? paths[a] + "|" + paths[b] : paths[b] + "|" + paths[a]);
                }
            }
        });
        return pairs;
    }

    /** Mean, 1st and 99th percentile of the cosine of pairs of 500 sampled rows: how far apart rows are. */
    private static Map<String, Double> randomPairCosine(EmbeddingIndex idx) {
        List<float[]> sample = new ArrayList<>();
        for (Row r : idx.vectors().sample(false, 0.05, 3).limit(500).collectAsList()) {
            sample.add(floats(r.getList(r.fieldIndex(OutputSchema.EMBEDDING))));
        }
        List<Double> cos = new ArrayList<>();
        for (int a = 0; a < sample.size(); a++) {
            for (int b = a + 1; b < sample.size(); b++) {
                cos.add(cosine(sample.get(a), sample.get(b)));
            }
        }
        java.util.Collections.sort(cos);
        return Map.of("mean", cos.stream().mapToDouble(Double::doubleValue).average().orElse(0),
                "p01", cos.get(cos.size() / 100), "p99", cos.get(cos.size() * 99 / 100));
    }

    /** A dot product with 8 independent sums (the JIT does not reorder a float reduction itself). */
    private static float dot(float[] a, float[] b) {
        float s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
        int i = 0;
        for (; i + 8 <= a.length; i += 8) {
            s0 += a[i] * b[i];
            s1 += a[i + 1] * b[i + 1];
            s2 += a[i + 2] * b[i + 2];
            s3 += a[i + 3] * b[i + 3];
            s4 += a[i + 4] * b[i + 4];
            s5 += a[i + 5] * b[i + 5];
            s6 += a[i + 6] * b[i + 6];
            s7 += a[i + 7] * b[i + 7];
        }
        float s = s0 + s1 + s2 + s3 + s4 + s5 + s6 + s7;
        for (; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    private static double querySeconds(SparkSession spark, EmbeddingIndex idx, int queries) {
        Dataset<Row> q = queries(idx, queries).cache();
        q.count();
        long start = System.nanoTime();
        NearestNeighbors.search(spark, q, idx, 10).collectAsList();
        double seconds = (System.nanoTime() - start) / 1e9;
        q.unpersist();
        System.out.printf("%d queries against %s: %.2f s%n", queries, idx.location(), seconds);
        return seconds;
    }

    private static Dataset<Row> queries(EmbeddingIndex idx, int n) {
        return idx.vectors().orderBy(col(OutputSchema.PATH)).limit(n)
                .select(col(OutputSchema.PATH).as(NearestNeighbors.QUERY), col(OutputSchema.EMBEDDING));
    }

    private static Map<String, Set<String>> neighbours(Dataset<Row> result) {
        Map<String, Set<String>> byQuery = new HashMap<>();
        for (Row r : result.collectAsList()) {
            byQuery.computeIfAbsent(r.getAs(NearestNeighbors.QUERY), k -> new HashSet<>())
                    .add(r.getAs(OutputSchema.PATH));
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

    private static double recall(Set<String> truth, Set<String> found) {
        if (truth.isEmpty()) {
            return 1.0;
        }
        Set<String> hit = new HashSet<>(truth);
        hit.retainAll(found);
        return (double) hit.size() / truth.size();
    }

    private static String loadAverage() {
        try {
            return java.nio.file.Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (java.io.IOException e) {
            return "unknown";
        }
    }

    private static double norm(float[] v) {
        double s = 0;
        for (float x : v) {
            s += x * x;
        }
        return Math.sqrt(s);
    }

    private static double cosine(float[] a, float[] b) {
        double dot = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
        }
        return dot / (norm(a) * norm(b));
    }

    private static float[] floats(List<Float> list) {
        float[] v = new float[list.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = list.get(i);
        }
        return v;
    }
}
