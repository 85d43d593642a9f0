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

    @Test
    void indexAndOutputAreRequired() {
        CliRun run = CliRun.of("report", "--output", "x.html");
        assertEquals(ExitCodes.CONFIG, run.exitCode(), run.toString());
        assertTrue(run.err().contains("--index"), run.toString());
    }
}
