package io.xceptionspark.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.xceptionspark.config.ConfigKey;
import io.xceptionspark.config.ConfigKeys;
import io.xceptionspark.config.JobConfig;
import io.xceptionspark.config.JobConfigException;
import io.xceptionspark.config.JobConfigLoader;
import io.xceptionspark.config.KeyRole;
import io.xceptionspark.inference.ModelCache;
import io.xceptionspark.testing.TestData;
import io.xceptionspark.testing.SparkTestSession;
import io.xceptionspark.testing.TestJobs;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.spark.ml.param.Param;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One scoring unit: the Transformers' Params are the job's keys (same defaults, same checks, same messages),
 * a Transformer can be built from a job file, and it gives the job's rows for the same files and settings.
 */
class ScoringUnitTest {
    private static final String BUNDLED = ConfigKeys.NAMESPACE + ".";

    @Test
    void everyModelPreprocessAndScoringKeyIsAParamWithTheBundledDefault() {
        XceptionScorer scorer = new XceptionScorer();
        XceptionLabeler labeler = new XceptionLabeler();
        int keys = 0;
        for (ConfigKey key : ConfigKeys.all()) {
            if (!XceptionTransformer.isParamKey(key.name())) {
                continue;
            }
            keys++;
            Param<Object> p = scorer.param(key.name());
            assertEquals(XceptionTransformer.paramName(key.name()), p.name());
            assertTrue(scorer.hasParam(p.name()), key.name());
            assertTrue(p.doc().contains(key.description()), "the key's documentation is the Param's: " + key.name());
            Object bundled = ConfigKeys.defaults().getValue(BUNDLED + key.name()).unwrapped();
            assertEquals(String.valueOf(bundled), String.valueOf(scorer.getConf(key.name())), key.name());
            if (!key.name().equals("scoring.mode")) {
                assertTrue(labeler.hasParam(p.name()), key.name());
            }
        }
        assertTrue(keys >= 25, "model, preprocess and scoring keys: " + keys);
        assertFalse(labeler.hasParam("mode"), "the labeler's mode is fixed");
        assertFalse(scorer.hasParam("preload"), "a session setting, not a Param");
        assertEquals("topK", scorer.param("scoring.top-k").name());
        assertEquals("cropPct", scorer.param("preprocess.crop-pct").name());
        assertEquals("weightsSha256", scorer.param("model.weights-sha256").name());
        assertFalse(new XceptionEmbedder().getIncludeTop(), "the embedder's preset: no classifier");
    }

    @Test
    void everyParamKeyHasATypedGetterAndASetter() {
        List<String> missing = new java.util.ArrayList<>();
        for (ConfigKey key : ConfigKeys.withRole(KeyRole.PARAM)) {
            String name = XceptionTransformer.paramName(key.name());
            String suffix = Character.toUpperCase(name.charAt(0)) + name.substring(1);
            boolean getter = Arrays.stream(XceptionScorer.class.getMethods())
                    .anyMatch(m -> m.getName().equals("get" + suffix) && m.getParameterCount() == 0);
            boolean setter = Arrays.stream(XceptionScorer.class.getMethods())
                    .anyMatch(m -> m.getName().equals("set" + suffix) && m.getParameterCount() == 1
                            && XceptionTransformer.class.isAssignableFrom(m.getReturnType()));
            if (!getter || !setter) {
                missing.add(key.name() + (getter ? "" : " get" + suffix) + (setter ? "" : " set" + suffix));
            }
        }
        assertEquals(List.of(), missing, "Param keys without their one-line accessors in XceptionTransformer");
    }

    @Test
    void settersChainAndGettersReadBack() {
        XceptionLabeler labeler = new XceptionLabeler().setBatchSize(4).setTopK(3).setCropPct(0.9)
                .setInterpolation("bilinear").setIntraOpThreads(2).setMaxFileBytes("1MiB").setSeed(1L << 40);
        assertEquals(4, labeler.getBatchSize());
        assertEquals(3, labeler.getTopK());
        assertEquals("0.9", labeler.getCropPct());
        assertEquals("bilinear", labeler.getInterpolation());
        assertEquals("2", labeler.getIntraOpThreads());
        assertEquals(1L << 40, labeler.getSeed());
        JobConfig job = labeler.jobConfig();
        assertEquals(4, job.scoring().batchSize());
        assertEquals(3, job.scoring().topK());
        assertEquals(io.xceptionspark.config.Auto.of(2), job.scoring().intraOpThreads());
        assertEquals(1 << 20, job.preprocess().maxFileBytes());
        assertEquals(0.9, job.preprocess().cropPct());
        assertEquals(1L << 40, job.model().pretrained().seed());
        assertEquals("labels", job.scoring().mode().configName());
        // any key by name, converted to the Param's type
        assertEquals(7, new XceptionScorer().setConf("scoring.top-k", "7").getTopK());
    }

    @Test
    void invalidValuesFailWithTheJobsMessages(@TempDir Path tmp) throws Exception {
        JobConfigException param = assertThrows(JobConfigException.class, () -> new XceptionLabeler().setBatchSize(0));
        Path file = tmp.resolve("bad.conf");
        Files.writeString(file, "xception-spark { scoring.batch-size = 0 }\n");
        JobConfigException job = assertThrows(JobConfigException.class, () -> new JobConfigLoader().file(file).load());
        assertTrue(param.getMessage().startsWith("Invalid configuration: scoring.batch-size = 0 (XceptionLabeler param"
                + " batchSize): "), param.getMessage());
        assertEquals(after(job.getMessage(), "): "), after(param.getMessage(), "): "), "the same words as the job");

        JobConfigException resize = assertThrows(JobConfigException.class, () -> new XceptionScorer().setResize("stretch"));
        assertTrue(resize.getMessage().contains("preprocess.resize = 'stretch'"), resize.getMessage());
        assertThrows(JobConfigException.class, () -> new XceptionScorer().setCropPct(1.5));
        assertThrows(JobConfigException.class, () -> new XceptionScorer().setIntraOpThreads("many"));
        JobConfigException unknown = assertThrows(JobConfigException.class,
                () -> new XceptionScorer().setConf("scoring.top_k", 3));
        assertTrue(unknown.getMessage().contains("did you mean 'scoring.top-k'"), unknown.getMessage());

        // combinations are checked as the job checks them by transform(), before any work; transformSchema reads
        // only the schema and the scoring Params
        XceptionEmbedder embedder = new XceptionEmbedder().setIncludeLogits(true);
        SparkSession spark = SparkTestSession.get();
        Dataset<Row> images = spark.read().format("binaryFile").load(TestData.path("edge-images").toString());
        assertTrue(Arrays.asList(embedder.transformSchema(images.schema()).fieldNames()).contains("logits"));
        int loads = ModelCache.loadCount();
        JobConfigException combination = assertThrows(JobConfigException.class, () -> embedder.transform(images));
        assertTrue(combination.getMessage().contains("scoring.include-logits = true needs the classifier's logits"),
                combination.getMessage());
        JobConfigException small = assertThrows(JobConfigException.class,
                () -> new XceptionScorer().setInputSize(64, 64).transform(images));
        assertTrue(small.getMessage().contains("model.input-height/input-width"), small.getMessage());
        assertEquals(loads, ModelCache.loadCount(), "no model was loaded");
    }

    private static String after(String message, String marker) {
        return message.substring(message.indexOf(marker) + marker.length());
    }

    @Test
    void fromJobTakesTheJobFilesSettings() {
        XceptionScorer classify = XceptionScorer.fromJob("jobs/classify.conf");
        assertEquals("labels", classify.getMode());
        assertEquals(5, classify.getTopK());
        assertEquals("imagenet", classify.getWeights());
        XceptionScorer embed = XceptionScorer.fromJob("jobs/embed.conf");
        assertEquals("embeddings", embed.getMode());
        assertFalse(embed.getIncludeTop());
        assertTrue(embed.getNormalizeEmbeddings());
        assertEquals(new XceptionEmbedder().setFromJob(Path.of("jobs/embed.conf")).modelSpec(), embed.modelSpec());
        JobConfigException mismatch = assertThrows(JobConfigException.class,
                () -> new XceptionLabeler().setFromJob(Path.of("jobs/embed.conf")));
        assertTrue(mismatch.getMessage().contains("XceptionScorer.fromJob"), mismatch.getMessage());
        assertThrows(JobConfigException.class, () -> XceptionScorer.fromJob("jobs/no-such-job.conf"));
    }

    @Test
    void theJobAndATransformerGiveIdenticalRows(@TempDir Path tmp) throws Exception {
        Path images = tmp.resolve("images");
        Path edge = TestData.path("edge-images");
        TestJobs.copy(images, edge.resolve("hopper.bmp"), edge.resolve("hopper_gray.jpg"), edge.resolve("not-an-image.jpg"),
                Path.of("sample-data/coffee.png"), Path.of("sample-data/kitten-progressive.jpg"));
        Path jobFile = tmp.resolve("job.conf");
        Files.writeString(jobFile, String.join("\n",
                "xception-spark {",
                "  model { weights = none, seed = 4242, input-height = 79, input-width = 83 }",
                "  preprocess { interpolation = bilinear, crop-pct = 0.93, max-file-bytes = 400KiB }",
                // batch-size 1: the job batches files in path order, binaryFile by size; libtorch's kernels may
                // round the last bit differently for another batch composition (~1e-8), which is not a difference
                // of the scoring path
                "  scoring { mode = both, top-k = 3, normalize-embeddings = true, include-logits = true, batch-size = 1 }",
                "}", ""));
        SparkSession spark = SparkTestSession.get();
        Path out = tmp.resolve("out");
        JobConfig job = new JobConfigLoader().file(jobFile).setList("input.paths", List.of(images.toString()))
                .set("output.path", out.toString()).load();
        ScoringJob.run(spark, job, new PrintStream(OutputStream.nullOutputStream()));
        Dataset<Row> written = spark.read().parquet(out.toString());

        XceptionScorer scorer = XceptionScorer.fromJob(jobFile.toString());
        Dataset<Row> transformed = scorer.transform(spark.read().format("binaryFile").load(images.toString()));

        List<String> columns = new ResultColumns(job.scoring()).fields().stream().map(f -> f.name()).toList();
        assertTrue(columns.containsAll(List.of("status", "error_code", "top_k", "embedding", "logits")), columns.toString());
        Map<String, Row> byJob = rows(written, columns);
        Map<String, Row> byTransformer = rows(transformed, columns);
        assertEquals(5, byJob.size());
        assertEquals(byJob.keySet(), byTransformer.keySet());
        for (String path : byJob.keySet()) {
            Row a = byJob.get(path);
            Row b = byTransformer.get(path);
            for (int i = 0; i < columns.size(); i++) {
                assertEquals(a.get(i), b.get(i), () -> path + " differs: " + summary(a, b));
            }
        }
        long failed = byJob.values().stream().filter(r -> !r.getString(0).equals("OK")).count();
        assertEquals(2, failed, "not-an-image.jpg and the 700 KB PNG over max-file-bytes: " + byJob);
        assertTrue(byJob.values().stream().anyMatch(r -> "TOO_LARGE".equals(r.get(1))), byJob.toString());
    }

    /** Which columns of two rows differ (and by how much, for float arrays): a readable failure. */
    private static String summary(Row a, Row b) {
        StringBuilder d = new StringBuilder();
        for (int i = 0; i < a.size(); i++) {
            if (java.util.Objects.equals(a.get(i), b.get(i))) {
                continue;
            }
            if (a.get(i) instanceof scala.collection.Seq<?> x && b.get(i) instanceof scala.collection.Seq<?> y
                    && x.size() == y.size() && x.head() instanceof Float) {
                double max = 0;
                for (int j = 0; j < x.size(); j++) {
                    max = Math.max(max, Math.abs((Float) x.apply(j) - (Float) y.apply(j)));
                }
                d.append(" column ").append(i).append(": max |diff| ").append(max);
            } else {
                d.append(" column ").append(i).append(": ").append(a.get(i)).append(" vs ").append(b.get(i));
            }
        }
        return d.toString();
    }

    /** path -> the result columns, in order. */
    private static Map<String, Row> rows(Dataset<Row> data, List<String> columns) {
        List<String> select = new java.util.ArrayList<>(List.of("path"));
        select.addAll(columns);
        return data.selectExpr(select.toArray(String[]::new)).collectAsList().stream().collect(Collectors.toMap(
                r -> r.getString(0), r -> org.apache.spark.sql.RowFactory.create(
                        java.util.stream.IntStream.range(1, r.size()).mapToObj(r::get).toArray()), (a, b) -> a, TreeMap::new));
    }
}
