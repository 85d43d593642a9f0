package io.xceptionspark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.xceptionspark.testing.SparkTestSession;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code report} on an output path with no results ends with exit code 2 and one message naming the path and
 * the fix, and writes no report. (Reports of real outputs: io.xceptionspark.report.ReportBrowserTest.)
 */
class ReportCommandTest {
    @Test
    void outputsWithNoResultsExitWithCode2AndOneMessage(@TempDir Path tmp) throws Exception {
        SparkSession spark = SparkTestSession.get();
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        Path onlyMarkers = Files.createDirectories(tmp.resolve("markers"));
        Files.writeString(onlyMarkers.resolve("_SUCCESS"), "");
        Path noRows = tmp.resolve("no-rows");
        spark.sql("SELECT 'file:/a.jpg' AS path, 'OK' AS status, CAST(NULL AS STRING) AS error_code WHERE false")
                .write().parquet(noRows.toString());
        Path notOurs = tmp.resolve("not-ours");
        spark.sql("SELECT 1 AS id").write().parquet(notOurs.toString());
        String[][] cases = {
            {tmp.resolve("missing").toString(), "does not exist"},
            {empty.toString(), "no data files"},
            {onlyMarkers.toString(), "no data files"},
            {noRows.toString(), "no rows"},
            {notOurs.toString(), "not an xception-spark output"}};
        for (String[] c : cases) {
            Path html = tmp.resolve("report.html");
            CliRun run = CliRun.of("report", "--index", c[0], "--output", html.toString());
            assertEquals(ExitCodes.CONFIG, run.exitCode(), run.toString());
            assertEquals(1, run.err().lines().count(), "one message: " + run);
            assertTrue(run.err().startsWith("xception-spark: error: No results to report at " + c[0]), run.toString());
            assertTrue(run.err().contains(c[1]) && run.err().contains("--index"), run.toString());
            assertFalse(Files.exists(html), "nothing written");
        }
    }

    /** A Delta output's report lists the table's commits (DESCRIBE HISTORY) with the run that made each. */
    @Test
    void deltaOutputsShowTheirCommitHistory(@TempDir Path tmp) throws Exception {
        SparkSession spark = SparkTestSession.get();
        Path images = Files.createDirectories(tmp.resolve("images"));
        for (String name : new String[] {"dog.jpg", "eagle.jpg"}) {
            Files.copy(io.xceptionspark.testing.TestData.sample(name), images.resolve(name));
        }
        Path table = tmp.resolve("table");
        String[] model = {"--set", "model.weights=none", "--set", "model.seed=4711", "--set", "model.input-height=71",
            "--set", "model.input-width=71", "--set", "output.format=delta", "--mode", "both"};
        CliRun first = CliRun.of(concat(new String[] {"score", "--input", images.toString(), "--output",
            table.toString()}, model));
        assertEquals(0, first.exitCode(), first.toString());
        Files.copy(io.xceptionspark.testing.TestData.sample("giraffe.jpg"),
                images.resolve("giraffe.jpg"));
        CliRun second = CliRun.of(concat(new String[] {"score", "--incremental", "--input", images.toString(),
            "--output", table.toString()}, model));
        assertEquals(0, second.exitCode(), second.toString());
        Path html = tmp.resolve("report.html");
        CliRun report = CliRun.of("report", "--index", table.toString(), "--output", html.toString());
        assertEquals(0, report.exitCode(), report.toString());
        String page = Files.readString(html);
        long commits = spark.sql("DESCRIBE HISTORY delta.`" + table + "`").count();
        assertTrue(commits >= 2, "a write and a merge: " + commits);
        assertEquals(commits, page.split("<tr class=\"commit\">", -1).length - 1, "one table row per commit");
        assertTrue(page.contains("MERGE") && page.contains("xception-spark run"), "operations and runs shown");
    }

    private static String[] concat(String[] a, String[] b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    @Test
    void indexAndOutputAreRequired() {
        CliRun run = CliRun.of("report", "--output", "x.html");
        assertEquals(ExitCodes.CONFIG, run.exitCode(), run.toString());
        assertTrue(run.err().contains("--index"), run.toString());
    }
}
