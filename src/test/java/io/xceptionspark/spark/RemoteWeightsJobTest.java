package io.xceptionspark.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.xceptionspark.config.JobConfig;
import io.xceptionspark.testing.Golden;
import io.xceptionspark.testing.TestData;
import io.xceptionspark.testing.SparkTestSession;
import io.xceptionspark.testing.TestJobs;
import io.xceptionspark.weights.LoopbackFileSystem;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job with weights that are not a local path: a file shipped to the executors (SparkContext.addFile, what
 * spark-submit --files does) named spark-files:NAME, and a Hadoop URI of a non-local scheme read with the
 * session's Hadoop configuration. The driver's model check resolves them too, before any task runs.
 */
class RemoteWeightsJobTest {
    private static final String FORMULA_MODEL = "xception/keras-h5:sha256=1d630e5fc0e3";

    private static List<Row> run(SparkSession spark, Path tmp, String weights) throws Exception {
        Path input = tmp.resolve("in");
        TestJobs.copy(input, TestData.sample("dog.jpg"), TestData.sample("eagle.jpg"));
        Path out = tmp.resolve("out");
        JobConfig job = TestJobs.small(List.of(input), out).set("model.weights", weights)
                .set("model.weights-sha256", "1d630e5fc0e35f081f54bc185a2e8747d41d0aaa581993071c265d321c5ab41e")
                .set("model.remote-weights-cache-dir", tmp.resolve("weights-cache").toString())
                .set("input.images-per-partition", "1").load();
        RunSummary summary = ScoringJob.run(spark, job, new PrintStream(OutputStream.nullOutputStream()));
        assertEquals(2, summary.scored(), summary.table());
        assertEquals(FORMULA_MODEL, summary.model());
        return spark.read().parquet(out.toString()).collectAsList();
    }

    @Test
    void weightsShippedWithTheJob(@TempDir Path tmp) throws Exception {
        SparkSession spark = SparkTestSession.get();
        Path shipped = Files.copy(TestData.path(Golden.WEIGHTS), tmp.resolve("job_shipped_formula.h5"));
        spark.sparkContext().addFile(shipped.toString());
        for (Row r : run(spark, tmp, "spark-files:job_shipped_formula.h5")) {
            assertEquals(FORMULA_MODEL, r.<String>getAs("model"));
        }
    }

    @Test
    void weightsBehindAHadoopUri(@TempDir Path tmp) throws Exception {
        SparkSession spark = SparkTestSession.get();
        spark.sparkContext().hadoopConfiguration().set("fs." + LoopbackFileSystem.SCHEME + ".impl",
                LoopbackFileSystem.class.getName());
        Path remote = Files.copy(TestData.path(Golden.WEIGHTS), tmp.resolve("uri_formula.h5"));
        for (Row r : run(spark, tmp, LoopbackFileSystem.uri(remote).toString())) {
            assertEquals(FORMULA_MODEL, r.<String>getAs("model"));
        }
        try (var files = Files.list(tmp.resolve("weights-cache"))) {
            assertEquals(1, files.count(), "the driver's copy");
        }
    }
}
