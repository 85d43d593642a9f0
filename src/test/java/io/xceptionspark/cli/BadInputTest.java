package io.xceptionspark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.xceptionspark.testing.DeniedListingFileSystem;
import io.xceptionspark.testing.GeneratedImages;
import io.xceptionspark.testing.SparkTestSession;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Inputs that cannot be listed as plain files: a folder without read permission, symbolic link loops, a name
 * that is not UTF-8, a FIFO. Below an input root each gives an UNREADABLE row and the job goes on (exit 0); an
 * input root itself, or a path Hadoop rejects, fails the job with exit code 2 and one message. Never exit 1. A
 * name with ':' (which Hadoop's checksummed local file system cannot open) is read and scored.
 */
class BadInputTest {
    /** Random weights at 71x71, one seed for the class (one model load). */
    static final String[] MODEL = {"--weights", "none", "--set", "model.seed=23", "--set", "model.input-height=71",
        "--set", "model.input-width=71"};
    @TempDir
    static Path tmp;
    static byte[] jpeg;

    @BeforeAll
    static void session() {
        DeniedListingFileSystem.install(SparkTestSession.get().sparkContext().hadoopConfiguration());
        jpeg = GeneratedImages.jpeg(GeneratedImages.gradient(80, 60, 1), 0.9f);
    }

    private static CliRun score(String input, Path output) {
        List<String> args = new ArrayList<>(List.of("score", "--input", input, "--output", output.toString()));
        args.addAll(List.of(MODEL));
        // the checks before Spark starts build their own Hadoop configuration from the job's spark.hadoop.*
        args.addAll(List.of("--set", "spark.conf.spark.hadoop.fs.denied.impl=" + DeniedListingFileSystem.class.getName(),
                "--set", "spark.conf.spark.hadoop.fs.denied.impl.disable.cache=true"));
        return CliRun.of(args.toArray(String[]::new));
    }

    /** file name -> error_code (or OK) of the output's rows. */
    private static Map<String, String> outcomes(Path output) {
        SparkSession spark = SparkTestSession.get();
        Map<String, String> byName = new TreeMap<>();
        for (Row r : spark.read().parquet(output.toString()).collectAsList()) {
            String path = r.getAs("path");
            String name = path.substring(path.lastIndexOf('/') + 1);
            String code = r.getAs("error_code");
            assertEquals(null, byName.put(name, code == null ? "OK" : code + ": " + r.getAs("error_message")),
                    "one row per entry: " + path);
        }
        return byName;
    }

    @Test
    void aFolderThatCannotBeListedIsAnUnreadableRow() throws Exception {
        Path in = tmp.resolve("perm");
        Files.createDirectories(in.resolve("open"));
        Files.createDirectories(in.resolve(DeniedListingFileSystem.LOCKED));
        Files.write(in.resolve("open/a.jpg"), jpeg);
        Files.write(in.resolve(DeniedListingFileSystem.LOCKED + "/hidden-from-us.jpg"), jpeg);
        Path out = tmp.resolve("perm-out");
        CliRun run = score(DeniedListingFileSystem.uri(in), out);
        assertEquals(0, run.exitCode(), run.toString());
        Map<String, String> rows = outcomes(out);
        assertEquals(2, rows.size(), rows.toString());
        assertEquals("OK", rows.get("a.jpg"));
        String locked = rows.get(DeniedListingFileSystem.LOCKED);
        assertTrue(locked.startsWith("UNREADABLE: cannot list folder") && locked.contains("Permission denied"), locked);

        // the same folders matched by a pattern: the locked one is a row too, not the input root
        Path globbed = tmp.resolve("perm-glob-out");
        CliRun glob = score(DeniedListingFileSystem.uri(in) + "/*", globbed);
        assertEquals(0, glob.exitCode(), glob.toString());
        assertEquals(rows, outcomes(globbed));
    }

    @Test
    void anInputRootThatCannotBeListedIsExitCode2WithOneMessage() throws Exception {
        Path locked = Files.createDirectories(tmp.resolve("root").resolve(DeniedListingFileSystem.LOCKED));
        Files.write(locked.resolve("a.jpg"), jpeg);
        CliRun run = score(DeniedListingFileSystem.uri(locked), tmp.resolve("root-out"));
        assertEquals(2, run.exitCode(), run.toString());
        assertTrue(run.err().contains("Cannot list input path") && run.err().contains("permission denied"), run.err());
        assertEquals(1, run.err().lines().filter(l -> l.contains("Cannot list")).count(), run.err());
        assertTrue(Files.notExists(tmp.resolve("root-out")), "nothing written");
    }

    @Test
    void symbolicLinkLoopsAreUnreadableRowsAndNotFollowed() throws Exception {
        Path in = tmp.resolve("loops");
        Path sub = Files.createDirectories(in.resolve("sub"));
        Files.write(in.resolve("top.jpg"), jpeg);
        Files.write(sub.resolve("inner.jpg"), jpeg);
        Files.createSymbolicLink(sub.resolve("up"), Path.of(".."));
        Files.createSymbolicLink(sub.resolve("self"), Path.of("."));
        // a link to a folder elsewhere is followed: not a loop
        Path elsewhere = Files.createDirectories(tmp.resolve("elsewhere"));
        Files.write(elsewhere.resolve("linked.jpg"), jpeg);
        Files.createSymbolicLink(in.resolve("link"), elsewhere);
        Path out = tmp.resolve("loops-out");
        CliRun run = score(in.toString(), out);
        assertEquals(0, run.exitCode(), run.toString());
        Map<String, String> rows = outcomes(out);
        assertEquals(5, rows.size(), rows.toString());
        assertEquals("OK", rows.get("top.jpg"));
        assertEquals("OK", rows.get("inner.jpg"));
        assertEquals("OK", rows.get("linked.jpg"));
        for (String link : List.of("up", "self")) {
            assertTrue(rows.get(link).startsWith("UNREADABLE: symbolic link loop"), rows.toString());
        }
    }

    @Test
    void namesHadoopCannotOpenAndSpecialFilesAreUnreadableRows() throws Exception {
        Path in = Files.createDirectories(tmp.resolve("names"));
        Files.write(in.resolve("fine.jpg"), jpeg);
        // ':' in a name: Hadoop's checksummed local file system cannot build its path ".a:b.jpg.crc"; read raw
        Files.write(in.resolve("12:30 a:b.jpg"), jpeg);
        // a FIFO: reading it would block the task
        Process fifo = new ProcessBuilder("mkfifo", in.resolve("pipe.jpg").toString()).inheritIO().start();
        assertEquals(0, fifo.waitFor());
        // bytes that are not UTF-8: Java names the file with U+FFFD, which opens nothing
        Process p = new ProcessBuilder("sh", "-c", "printf x > \"$1\"/$(printf 'bad\\377\\376.jpg')", "sh",
                in.toString()).inheritIO().start();
        assertEquals(0, p.waitFor());
        Path out = tmp.resolve("names-out");
        CliRun run = score(in.toString(), out);
        assertEquals(0, run.exitCode(), run.toString());
        Map<String, String> rows = outcomes(out);
        assertEquals(4, rows.size(), rows.toString());
        assertEquals("OK", rows.get("fine.jpg"));
        assertEquals("OK", rows.get("12:30 a:b.jpg"));
        assertTrue(rows.get("pipe.jpg").startsWith("UNREADABLE: ") && rows.get("pipe.jpg").contains("not a regular file"),
                rows.toString());
        assertTrue(rows.get("bad\uFFFD\uFFFD.jpg").startsWith("UNREADABLE: the file name")
                && rows.get("bad\uFFFD\uFFFD.jpg").contains("not valid UTF-8"), rows.toString());
    }

    @Test
    void anInputPathHadoopRejectsIsExitCode2WithOneMessage() {
        CliRun run = score("a:b.jpg", tmp.resolve("reject-out"));
        assertEquals(2, run.exitCode(), run.toString());
        assertTrue(run.err().contains("a:b.jpg") && run.err().contains("Fix input.paths"), run.err());
    }
}
