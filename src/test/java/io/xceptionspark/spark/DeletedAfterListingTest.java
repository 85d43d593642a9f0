package io.xceptionspark.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.xceptionspark.config.JobConfig;
import io.xceptionspark.testing.GeneratedImages;
import io.xceptionspark.testing.SparkTestSession;
import io.xceptionspark.testing.TestJobs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A file deleted between the driver's listing and its task's read: an UNREADABLE row, the others scored. */
class DeletedAfterListingTest {
    @Test
    void aFileDeletedAfterListingIsAnUnreadableRow(@TempDir Path tmp) throws Exception {
        Path in = Files.createDirectories(tmp.resolve("in"));
        byte[] jpeg = GeneratedImages.jpeg(GeneratedImages.gradient(64, 48, 3), 0.9f);
        for (String name : List.of("a.jpg", "gone.jpg", "z.jpg")) {
            Files.write(in.resolve(name), jpeg);
        }
        SparkSession spark = SparkTestSession.get();
        JobConfig job = TestJobs.small(List.of(in), tmp.resolve("out")).load();
        InputFiles listed = InputFiles.list(spark, job.input());
        assertEquals(3, listed.count());
        Files.delete(in.resolve("gone.jpg"));

        // the job's scoring stage, as ScoringJob builds it
        PartitionScorer scorer = new PartitionScorer(job.model(), job.preprocess(), job.scoring(), "test-model",
                Instant.now(), OutputSchema.javaTimeValues(spark),
                HadoopConfs.nonDefaults(spark.sparkContext().hadoopConfiguration()),
                RunCounters.register(spark.sparkContext()), StageAccount.register(spark.sparkContext()));
        List<Row> rows = listed.partitioned(spark, 2).mapPartitions(scorer, Encoders.row(OutputSchema.of(job.scoring())))
                .collectAsList();
        Map<String, String> outcome = new TreeMap<>();
        for (Row r : rows) {
            String path = r.getAs("path");
            String code = r.getAs("error_code");
            outcome.put(path.substring(path.lastIndexOf('/') + 1), code == null ? "OK" : code + ": " + r.getAs("error_message"));
        }
        assertEquals(3, outcome.size(), outcome.toString());
        assertEquals("OK", outcome.get("a.jpg"));
        assertEquals("OK", outcome.get("z.jpg"));
        assertTrue(outcome.get("gone.jpg").startsWith("UNREADABLE: cannot read")
                && outcome.get("gone.jpg").contains("does not exist"), outcome.toString());
    }
}
