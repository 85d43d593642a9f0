package io.xceptionspark.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.xceptionspark.image.Interpolation;
import io.xceptionspark.image.JpegDraft;
import io.xceptionspark.image.ResizePolicy;
import io.xceptionspark.inference.Architecture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading, layering and validating job configurations (no Spark). */
class JobConfigLoaderTest {
    @TempDir
    Path tmp;

    private Path file(String name, String text) throws Exception {
        return Files.writeString(tmp.resolve(name), text);
    }

    private static String problems(JobConfigLoader loader) {
        return assertThrows(JobConfigException.class, loader::load).getMessage();
    }

    @Test
    void defaultsAreValidAndMatchTheDocumentedValues() {
        JobConfig job = new JobConfigLoader().load();
        assertEquals(List.of(), job.input().paths());
        assertTrue(job.input().recursive());
        assertEquals(64, job.input().imagesPerPartition());
        assertEquals(Architecture.XCEPTION, job.model().architecture());
        assertEquals("imagenet", job.model().pretrained().weights());
        assertTrue(job.model().head().includeTop());
        assertEquals(299, job.model().inputHeight());
        assertEquals(ResizePolicy.CROP, job.preprocess().resize());
        assertEquals(Interpolation.BICUBIC, job.preprocess().interpolation());
        assertEquals(100L * 1024 * 1024, job.preprocess().maxFileBytes());
        assertEquals(89_478_485L, job.preprocess().maxPixels());
        assertEquals(Duration.ofSeconds(10), job.preprocess().decodeTimeout());
        assertEquals(ScoringMode.LABELS, job.scoring().mode());
        assertEquals(5, job.scoring().topK());
        assertEquals(Auto.auto(), job.scoring().intraOpThreads());
        assertEquals(SaveMode.ERROR_IF_EXISTS, job.output().saveMode());
        assertFalse(job.output().incremental());
        assertEquals("local[*]", job.spark().master());
        assertFalse(job.imagenetFallbackRandom());
        JobConfigException e = assertThrows(JobConfigException.class, job::requireInputAndOutput);
        assertTrue(e.getMessage().contains("--input"), e.getMessage());
    }

    @Test
    void layersOverrideInOrderSiteJobCommandLine() throws Exception {
        Path site = file("site.conf", "xception-spark { scoring.top-k = 3, scoring.batch-size = 4 }");
        Path job = file("job.conf", "xception-spark {\n scoring { top-k = 7 }\n input.paths = [\"/a\", \"/b\"]\n}");
        JobConfig config = new JobConfigLoader().file(site).file(job).set("scoring.mode", "both")
                .set("xception-spark.output.path", "/out").load();
        assertEquals(4, config.scoring().batchSize(), "from the site file");
        assertEquals(7, config.scoring().topK(), "the job file wins over the site file");
        assertEquals(ScoringMode.BOTH, config.scoring().mode(), "the command line wins");
        assertEquals(List.of("/a", "/b"), config.input().paths());
        assertEquals("/out", config.output().path(), "the namespace prefix is optional on the command line");
        JobConfig overridden = new JobConfigLoader().file(job).assignment("scoring.top-k=2").load();
        assertEquals(2, overridden.scoring().topK());
    }

    @Test
    void listsSplitOnCommasAndSingleStringsAreAccepted() throws Exception {
        assertEquals(List.of("/a", "/b"), new JobConfigLoader().set("input.paths", "/a, /b").load().input().paths());
        assertEquals(List.of("run_date", "status"),
                new JobConfigLoader().set("output.partition-by", "run_date,status").load().output().partitionBy());
        Path job = file("job.conf", "xception-spark.input.paths = \"/only/one\"");
        assertEquals(List.of("/only/one"), new JobConfigLoader().file(job).load().input().paths());
    }

    @Test
    void includesAndEnvironmentSubstitutionsWork() throws Exception {
        file("base.conf", "xception-spark.scoring.top-k = 9");
        Path job = file("job.conf", "include \"base.conf\"\nxception-spark.output.path = \"/out/\"${?XCEPTION_SPARK_TEST_UNSET}");
        JobConfig config = new JobConfigLoader().file(job).load();
        assertEquals(9, config.scoring().topK());
        assertEquals("/out/", config.output().path());
    }

    @Test
    void sparkConfIsPassedThroughInQuotedAndNestedForm() throws Exception {
        Path job = file("job.conf", "xception-spark.spark.conf {\n \"spark.sql.shuffle.partitions\" = 8\n"
                + " spark.executor.memory = 4g\n}");
        JobConfig config = new JobConfigLoader().file(job).set("spark.conf.spark.task.cpus", "2").load();
        assertEquals(Map.of("spark.sql.shuffle.partitions", "8", "spark.executor.memory", "4g", "spark.task.cpus", "2"),
                config.spark().conf());
    }

    @Test
    void unknownKeysNameTheNearestValidKey() throws Exception {
        JobConfigException cli = assertThrows(JobConfigException.class,
                () -> new JobConfigLoader().set("input.image-per-partition", "4"));
        assertTrue(cli.getMessage().contains("did you mean 'input.images-per-partition'"), cli.getMessage());
        JobConfigException last = assertThrows(JobConfigException.class,
                () -> new JobConfigLoader().set("output.savemode", "append"));
        assertTrue(last.getMessage().contains("'output.save-mode'"), last.getMessage());
        Path job = file("job.conf", "xception-spark {\n  model {\n    wieghts = none\n  }\n}");
        JobConfigException inFile = assertThrows(JobConfigException.class, () -> new JobConfigLoader().file(job));
        assertTrue(inFile.getMessage().contains("'model.wieghts' in " + job + ":3"), inFile.getMessage());
        assertTrue(inFile.getMessage().contains("did you mean 'model.weights'"), inFile.getMessage());
        JobConfigException map = assertThrows(JobConfigException.class, () -> new JobConfigLoader().set("spark.conf", "x"));
        assertTrue(map.getMessage().contains("--set spark.conf."), map.getMessage());
    }

    @Test
    void everyBadValueIsReportedWithItsKeyAndOrigin() throws Exception {
        Path job = file("bad.conf", "xception-spark { scoring.batch-size = 0, preprocess.crop-pct = 1.5 }");
        String message = problems(new JobConfigLoader().file(job).set("scoring.mode", "captions")
                .set("preprocess.interpolation", "lanczos").set("scoring.intra-op-threads", "many"));
        assertTrue(message.contains("scoring.batch-size = 0 (" + job), message);
        assertTrue(message.contains("between 1 and 256"), message);
        assertTrue(message.contains("preprocess.crop-pct = 1.5"), message);
        assertTrue(message.contains("scoring.mode = 'captions' (command line)"), message);
        assertTrue(message.contains("valid values: bicubic, bilinear, nearest"), message);
        assertTrue(message.contains("scoring.intra-op-threads"), message);
        assertEquals(5, message.split("\n  - ").length - 1, message);
    }

    @Test
    void combinationsAreChecked() {
        assertTrue(problems(new JobConfigLoader().set("model.include-top", "false"))
                .contains("needs the classifier's logits"));
        assertTrue(problems(new JobConfigLoader().set("model.include-top", "false").set("scoring.mode", "embeddings")
                .set("scoring.include-logits", "true")).contains("scoring.include-logits"));
        assertTrue(problems(new JobConfigLoader().set("model.architecture", "torchscript"))
                .contains("set model.torchscript"));
        assertTrue(problems(new JobConfigLoader().set("model.architecture", "torchscript").set("model.torchscript", "/m.pt")
                .set("model.torchscript-outputs", "embedding")).contains("needs the classifier's logits"));
        assertTrue(problems(new JobConfigLoader().set("output.incremental", "true")).contains("save-mode = append"));
        assertTrue(problems(new JobConfigLoader().set("scoring.top-k", "1001")).contains("scoring.top-k = 1001 exceeds the model's 1000 classes"));
        assertTrue(problems(new JobConfigLoader().set("model.include-top", "false").set("model.pooling", "none")
                .set("scoring.mode", "embeddings")).contains("must be avg or max"));
        assertTrue(problems(new JobConfigLoader().set("preprocess.max-file-bytes", "3GiB")).contains("2GiB"));
        assertTrue(problems(new JobConfigLoader().set("output.partition-by", "run_date,run_date")).contains("twice"));
        assertTrue(problems(new JobConfigLoader().set("preprocess.decode-timeout", "soon"))
                .contains("preprocess.decode-timeout"));
        assertTrue(problems(new JobConfigLoader().set("preprocess.decode-timeout", "2h")).contains("between 0"));
    }

    @Test
    void jpegDraftIsOffUnlessAskedFor() {
        assertEquals(JpegDraft.OFF, new JobConfigLoader().load().preprocess().jpegDraft());
        assertEquals(JpegDraft.AUTO, new JobConfigLoader().set("preprocess.jpeg-draft", "AUTO").load().preprocess()
                .toPreprocessConfig(299, 299).jpegDraft());
        assertTrue(problems(new JobConfigLoader().set("preprocess.jpeg-draft", "1/8"))
                .contains("valid values: off, auto"));
    }

    @Test
    void decodeTimeoutAcceptsDurationsAndZero() {
        assertEquals(Duration.ofMillis(500),
                new JobConfigLoader().set("preprocess.decode-timeout", "500ms").load().preprocess().decodeTimeout());
        assertEquals(Duration.ofMillis(500), new JobConfigLoader().set("preprocess.decode-timeout", "500ms").load()
                .preprocess().toPreprocessConfig(299, 299).decodeTimeout());
        assertEquals(Duration.ZERO,
                new JobConfigLoader().set("preprocess.decode-timeout", "0").load().preprocess().decodeTimeout());
    }

    @Test
    void localWeightsPathsBecomeAbsolute() {
        JobConfig config = new JobConfigLoader().set("model.weights", "weights/x.h5").load();
        assertEquals(Path.of("weights/x.h5").toAbsolutePath().toString(), config.model().pretrained().weights());
        assertEquals("hdfs://nn/w.h5", new JobConfigLoader().set("model.weights", "hdfs://nn/w.h5").load().model().pretrained().weights());
        assertEquals("none", new JobConfigLoader().set("model.weights", "none").load().model().pretrained().weights());
    }

    @Test
    void sizesAcceptUnits() {
        assertEquals(10L * 1024 * 1024,
                new JobConfigLoader().set("preprocess.max-file-bytes", "10MiB").load().preprocess().maxFileBytes());
        assertEquals(Auto.of(3), new JobConfigLoader().set("scoring.intra-op-threads", "3").load().scoring().intraOpThreads());
    }

    @Test
    void streamManifestAndHttpKeysAreReadAsDeclared() {
        JobConfig files = new JobConfigLoader().load();
        assertTrue(files.source().stream().availableNow());
        assertEquals(Duration.ofSeconds(60), files.source().http().readTimeout());
        JobConfig stream = new JobConfigLoader().set("input.mode", "stream").set("input.stream.checkpoint", "/cp")
                .set("output.save-mode", "append").set("input.stream.trigger", "1 minute")
                .set("input.stream.max-bytes-per-trigger", "1GiB").set("input.stream.clean-source", "Archive")
                .set("input.stream.archive-dir", "/archive").load();
        assertEquals(InputMode.STREAM, stream.source().mode());
        assertEquals(Duration.ofMinutes(1), stream.source().stream().trigger());
        assertEquals(1L << 30, stream.source().stream().maxBytesPerTrigger());
        assertEquals("archive", stream.source().stream().cleanSource());
        String bad = problems(new JobConfigLoader().set("input.mode", "stream").set("input.stream.trigger", "soon")
                .set("input.stream.clean-source", "move").set("input.manifest.format", "xml")
                .set("input.http.retries", "11"));
        assertTrue(bad.contains("input.stream.trigger = \"soon\" (command line): must be available-now or a duration"), bad);
        assertTrue(bad.contains("input.stream.clean-source = \"move\" (command line): must be one of off, archive, delete"),
                bad);
        assertTrue(bad.contains("input.manifest.format = \"xml\" (command line): must be one of auto, table, parquet,"
                + " delta, csv"), bad);
        assertTrue(bad.contains("input.http.retries = \"11\" (command line): must be a whole number between 0 and 10"), bad);
        assertTrue(bad.contains("input.mode = stream needs a checkpoint"), bad);
    }
}
