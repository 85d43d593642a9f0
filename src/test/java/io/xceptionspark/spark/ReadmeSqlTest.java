package io.xceptionspark.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.xceptionspark.testing.TestData;
import io.xceptionspark.testing.SparkTestSession;
import io.xceptionspark.testing.TestJobs;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every SQL statement the README shows runs against a real output (Parquet, and a Delta table for the Delta
 * section's statements), and the latest view matches the API's.
 */
class ReadmeSqlTest {
    @Test
    void readmeQueriesRun(@TempDir Path tmp) throws Exception {
        SparkSession spark = SparkTestSession.get();
        Path in = tmp.resolve("in");
        Path edge = TestData.path("edge-images");
        TestJobs.copy(in, edge.resolve("hopper.bmp"), edge.resolve("i_trns.png"), edge.resolve("empty.jpg"));
        Path out = tmp.resolve("scores");
        ScoringJob.run(spark, TestJobs.small(List.of(in), out).set("scoring.mode", "both").load(),
                new PrintStream(OutputStream.nullOutputStream()));
        Path delta = tmp.resolve("scores-delta");
        ScoringJob.run(spark, TestJobs.small(List.of(in), delta).set("scoring.mode", "both")
                .set("output.format", "delta").load(), new PrintStream(OutputStream.nullOutputStream()));

        String readme = Files.readString(Path.of("README.md"));
        Matcher blocks = Pattern.compile("```sql\\n(.*?)```", Pattern.DOTALL).matcher(readme);
        List<String> statements = new ArrayList<>();
        while (blocks.find()) {
            for (String s : blocks.group(1).replaceAll("(?m)--.*$", "").split(";")) {
                if (!s.isBlank()) {
                    statements.add(s.strip().replace("/data/scores-delta", delta.toString())
                            .replace("/data/scores", out.toString()));
                }
            }
        }
        assertTrue(statements.size() >= 5, statements.toString());
        for (String sql : statements) {
            spark.sql(sql).collectAsList();
        }
        assertEquals(3, spark.sql("SELECT * FROM xception_latest").count());
        assertEquals(1, spark.sql("SELECT * FROM xception_results WHERE error_code = 'EMPTY'").count());
    }
}
