package io.xceptionspark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.xceptionspark.spark.ScoringResults;
import io.xceptionspark.testing.SparkTestSession;
import io.xceptionspark.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** score --manifest CSV --path-column, score --sql, and a manifest without the column: exit 2, nothing written. */
class ManifestCommandTest {
    private static final String[] SMALL = {"--weights", "none", "--set", "model.input-height=71",
        "--set", "model.input-width=71"};

    @Test
    void csvManifestAndSqlQuery(@TempDir Path tmp) throws Exception {
        SparkTestSession.get();
        Path csv = tmp.resolve("images.csv");
        Files.writeString(csv, "image_id,file\n7," + TestData.samples().resolve("dog.jpg").toUri() + "\n8,"
                + TestData.samples().resolve("kitten.jpg").toUri() + "\n");
        Path out = tmp.resolve("out");
        CliRun run = CliRun.of(concat("score", "--manifest", csv.toString(), "--path-column", "file",
                "--output", out.toString()));
        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(run.out().contains("2 manifest rows"), run.out());
        List<Row> rows = ScoringResults.read(SparkTestSession.get(), out.toString()).orderBy("image_id")
                .select("image_id", "status").collectAsList();
        assertEquals(List.of("7 OK", "8 OK"), rows.stream().map(r -> r.get(0) + " " + r.get(1)).toList());

        Path sqlOut = tmp.resolve("sql-out"); // an output is a manifest too
        run = CliRun.of(concat("score", "--sql", "SELECT path, image_id FROM parquet.`" + out
                + "` WHERE image_id = 8", "--output", sqlOut.toString()));
        assertEquals(0, run.exitCode(), run.toString());
        assertEquals(1, ScoringResults.read(SparkTestSession.get(), sqlOut.toString()).count());

        run = CliRun.of(concat("score", "--sql", "SELECT nothing FROM parquet.`" + out + "`", "--output",
                tmp.resolve("bad-sql").toString()));
        assertEquals(2, run.exitCode(), run.toString());
        assertTrue(run.err().contains("Cannot read the manifest (input.manifest.sql)"), run.err());

        Path none = tmp.resolve("none");
        run = CliRun.of(concat("score", "--manifest", csv.toString(), "--path-column", "url", "--output",
                none.toString()));
        assertEquals(2, run.exitCode(), run.toString());
        assertTrue(run.err().contains("has no column 'url'") && run.err().contains("image_id, file"), run.err());
        assertFalse(Files.exists(none.resolve("_xception_spark_summary.json")));
    }

    private static String[] concat(String... args) {
        String[] all = java.util.Arrays.copyOf(args, args.length + SMALL.length);
        System.arraycopy(SMALL, 0, all, args.length, SMALL.length);
        return all;
    }
}
