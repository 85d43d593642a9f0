package io.xceptionspark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.xceptionspark.image.SyntheticImages;
import io.xceptionspark.testing.GeneratedImages;
import io.xceptionspark.testing.SparkTestSession;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A photo library as users keep one, generated here: 160 dated folders side by side, nested camera and event
 * folders, names with spaces, unicode, #, %, ?, :, quotes, brackets and HTML markup, JPEG/PNG/GIF/BMP/TIFF/WebP,
 * phone-size photos (4032x3024) with a byte-identical backup copy, a zero-byte file and damaged ones. Scored
 * once into a Parquet output partitioned by status and error_code, then: one row per file, an incremental rerun
 * that scores nothing, the report with every name escaped, similar, duplicates, sql, and a Delta table that an
 * incremental run MERGEs into.
 *
 * <p>Every run uses the shared session's registrationRequired Kryo, with the plans a large library gets: every
 * directory level of an output listed by Spark's parallel listing (its threshold at 1 instead of 32) and
 * sort-merge joins instead of broadcasts.
 */
class PhotoLibraryTest {
    static final String[] MODEL = {"--set", "model.weights=none", "--set", "model.seed=31", "--set",
        "model.input-height=71", "--set", "model.input-width=71"};
    static final List<String> ODD_NAMES = List.of("space in name.jpg", "café ☕ 日本語 ß.png", "#hash#tag.gif",
            "100% done.bmp", "what?.jpg", "it's \"quoted\".png", "[brackets] {braces} (parens).jpg",
            "<img src=x onerror=alert(1)>.jpg", "<b>bold</b-ish> &amp; co.png", "back\\slash.tif", "tiny.webp",
            "2024-06-01 12:30:05 sunset.jpg");
    static final String PHONE = "DCIM/100APPLE/IMG_4032.JPG";
    static final String PHONE_COPY = "Backup/IMG_4032 copy.JPG";
    static final Map<String, String> SESSION = Map.of("spark.sql.sources.parallelPartitionDiscovery.threshold", "1",
            "spark.sql.autoBroadcastJoinThreshold", "-1");

    @TempDir
    static Path tmp;
    static Path lib;
    static Path out;
    /** Relative path -> expected error_code (OK for a scored file). */
    static final Map<String, String> EXPECTED = new TreeMap<>();

    @BeforeAll
    static void scoreTheLibrary() throws Exception {
        SparkSession spark = SparkTestSession.get();
        SESSION.forEach(spark.conf()::set);
        lib = tmp.resolve("Photos Library");
        LocalDate day = LocalDate.of(2019, 1, 1);
        for (int i = 0; i < 160; i++) {
            String folder = day.plusDays(7L * i) + (i % 3 == 0 ? " Trip #" + i : "");
            put(folder + "/IMG_" + (1000 + i) + ".JPG", GeneratedImages.jpeg(GeneratedImages.gradient(48, 36, i), 0.85f), "OK");
        }
        put("DCIM/101APPLE/IMG_0001.JPG", GeneratedImages.jpeg(GeneratedImages.gradient(64, 48, 500), 0.9f), "OK");
        put("Events/2024/Summer holiday/Beach day/photo 1.jpg",
                GeneratedImages.jpeg(GeneratedImages.gradient(60, 40, 501), 0.9f), "OK");
        for (int i = 0; i < ODD_NAMES.size(); i++) {
            String name = ODD_NAMES.get(i);
            BufferedImage image = GeneratedImages.gradient(40, 30, 600 + i);
            String ext = name.substring(name.lastIndexOf('.') + 1);
            byte[] bytes = switch (ext) {
                case "jpg" -> GeneratedImages.jpeg(image, 0.9f);
                case "tif" -> SyntheticImages.encoded(image, "tiff");
                case "webp" -> GeneratedImages.webp1x1();
                default -> SyntheticImages.encoded(image, ext);
            };
            put("Odd names/" + name, bytes, "OK");
        }
        // phone-size photos: 12 MP, smooth, so small on disk
        byte[] phone = GeneratedImages.jpeg(GeneratedImages.gradient(4032, 3024, 700), 0.8f);
        put(PHONE, phone, "OK");
        put(PHONE_COPY, phone, "OK");
        put("DCIM/100APPLE/IMG_4033.JPG", GeneratedImages.jpeg(GeneratedImages.gradient(4032, 3024, 701), 0.8f), "OK");
        put("Odd names/empty.jpg", new byte[0], "EMPTY");
        byte[] whole = GeneratedImages.jpeg(GeneratedImages.gradient(64, 48, 800), 0.9f);
        put("Damaged/cut in half.jpg", Arrays.copyOf(whole, whole.length / 2), "CORRUPT");
        put("Damaged/garbage.png", Arrays.copyOf(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n', 1, 2, 3}, 64),
                "CORRUPT");
        put("Thumbs.db", "not an image at all".getBytes(java.nio.charset.StandardCharsets.UTF_8), "UNSUPPORTED_FORMAT");

        out = tmp.resolve("scores");
        CliRun run = cli("score", "--input", lib.toString(), "--output", out.toString(), "--mode", "both",
                "--set", "output.partition-by=status,error_code");
        assertEquals(0, run.exitCode(), run.toString());
    }

    @AfterAll
    static void restoreSession() {
        SESSION.keySet().forEach(SparkTestSession.get().conf()::unset);
    }

    private static void put(String relative, byte[] bytes, String outcome) throws Exception {
        Path file = lib.resolve(relative);
        Files.createDirectories(file.getParent());
        Files.write(file, bytes);
        EXPECTED.put(relative, outcome);
    }

    private static CliRun cli(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        if (List.of("score", "similar").contains(args[0])) {
            all.addAll(List.of(MODEL));
        }
        return CliRun.of(all.toArray(String[]::new));
    }

    private static String relative(String path) {
        String prefix = "file:" + lib + "/";
        assertTrue(path.startsWith(prefix), path);
        return path.substring(prefix.length());
    }

    @Test
    void oneRowPerFileWithItsOutcome() {
        Map<String, String> rows = new TreeMap<>();
        for (Row r : SparkTestSession.get().read().parquet(out.toString()).collectAsList()) {
            String code = r.getAs("error_code");
            assertEquals(null, rows.put(relative(r.getAs("path")), code == null ? "OK" : code), "one row per file");
        }
        assertTrue(EXPECTED.size() >= 180, "files: " + EXPECTED.size());
        assertEquals(EXPECTED, rows);
    }

    @Test
    void anIncrementalRerunScoresNothing() throws Exception {
        long before = SparkTestSession.get().read().parquet(out.toString()).count();
        List<String> jobs = new java.util.concurrent.CopyOnWriteArrayList<>();
        org.apache.spark.scheduler.SparkListener listener = new org.apache.spark.scheduler.SparkListener() {
            @Override
            public void onJobStart(org.apache.spark.scheduler.SparkListenerJobStart start) {
                jobs.add(String.valueOf(start.properties().getProperty("spark.job.description")));
            }
        };
        SparkTestSession.get().sparkContext().addSparkListener(listener);
        CliRun rerun;
        try {
            rerun = cli("score", "--input", lib.toString(), "--output", out.toString(), "--mode", "both",
                "--incremental", "--set", "output.partition-by=status,error_code");
            SparkTestSession.get().sparkContext().listenerBus().waitUntilEmpty();
        } finally {
            SparkTestSession.get().sparkContext().removeSparkListener(listener);
        }
        assertEquals(0, rerun.exitCode(), rerun.toString());
        assertTrue(jobs.stream().anyMatch(d -> d.startsWith("Listing leaf files and directories")),
                "the output's partition folders were listed by Spark's parallel listing: " + jobs);
        assertTrue(rerun.out().contains(EXPECTED.size() + " files listed, 0 to score"), rerun.out());
        assertEquals(before, SparkTestSession.get().read().parquet(out.toString()).count());
    }

    @Test
    void theReportShowsEveryNameEscaped() throws Exception {
        Path html = tmp.resolve("report.html");
        CliRun run = cli("report", "--index", out.toString(), "--output", html.toString(), "--set",
                "report.sample-images=1000");
        assertEquals(0, run.exitCode(), run.toString());
        String page = Files.readString(html);
        for (String relative : EXPECTED.keySet()) {
            String name = relative.substring(relative.lastIndexOf('/') + 1);
            assertTrue(page.contains(escape(name)), "the report shows " + name);
        }
        for (String name : ODD_NAMES) {
            if (!escape(name).equals(name)) {
                assertFalse(page.contains(name), "unescaped in the report: " + name);
            }
        }
        assertFalse(page.contains("<img src=x"), "markup from a file name");
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;")
                .replace("'", "&#39;");
    }

    @Test
    void similarFindsThePhoneSizePhotoAndItsBackup() {
        String query = "file:" + lib.resolve(PHONE);
        CliRun run = cli("similar", "--index", out.toString(), "--k", "3", "--json", query);
        assertEquals(0, run.exitCode(), run.toString());
        JsonObject result = JsonParser.parseString(run.out().lines().filter(l -> l.startsWith("{")).findFirst()
                .orElseThrow()).getAsJsonObject();
        TreeSet<String> top2 = new TreeSet<>();
        for (int i = 0; i < 2; i++) {
            JsonObject n = result.getAsJsonArray("neighbors").get(i).getAsJsonObject();
            top2.add(relative(n.get("path").getAsString()));
            assertTrue(n.get("similarity").getAsFloat() >= 0.9999f, n.toString());
        }
        assertEquals(new TreeSet<>(List.of(PHONE, PHONE_COPY)), top2);
    }

    @Test
    void duplicatesFindTheBackupCopy() {
        Path pairs = tmp.resolve("pairs");
        CliRun run = cli("duplicates", "--index", out.toString(), "--threshold", "0.99999", "--output", pairs.toString());
        assertEquals(0, run.exitCode(), run.toString());
        List<Row> identical = SparkTestSession.get().read().parquet(pairs.toString()).where("match = 'identical'")
                .collectAsList();
        assertEquals(1, identical.size(), identical.toString());
        assertEquals(new TreeSet<>(List.of(PHONE, PHONE_COPY)), new TreeSet<>(List.of(
                relative(identical.get(0).getAs("path_a")), relative(identical.get(0).getAs("path_b")))));
    }

    @Test
    void sqlOverTheLibrary() {
        CliRun run = cli("sql", "--index", out.toString(), "--json", "SELECT count(*) AS n, count(DISTINCT path) AS"
                + " paths, sum(CASE WHEN path LIKE '%<img src=x onerror=alert(1)>.jpg' THEN 1 ELSE 0 END) AS odd"
                + " FROM xception_latest");
        assertEquals(0, run.exitCode(), run.toString());
        JsonObject row = JsonParser.parseString(run.out().lines().filter(l -> l.startsWith("{")).findFirst()
                .orElseThrow()).getAsJsonObject();
        assertEquals(EXPECTED.size(), row.get("n").getAsInt(), row.toString());
        assertEquals(EXPECTED.size(), row.get("paths").getAsInt(), row.toString());
        assertEquals(1, row.get("odd").getAsInt(), row.toString());
        // a global sort: Spark samples the range boundaries in a job of its own first
        CliRun sorted = cli("sql", "--index", out.toString(), "--json", "--max-rows", "1000",
                "SELECT path, length FROM xception_results ORDER BY length DESC, path");
        assertEquals(0, sorted.exitCode(), sorted.toString());
        List<String> lines = sorted.out().lines().filter(l -> l.startsWith("{")).toList();
        assertEquals(EXPECTED.size(), lines.size());
        String largest = JsonParser.parseString(lines.get(0)).getAsJsonObject().get("path").getAsString();
        assertTrue(largest.endsWith("IMG_4033.JPG") || largest.endsWith("IMG_4032.JPG") || largest.endsWith("copy.JPG"),
                largest);
    }

    @Test
    void anIncrementalRunMergesIntoADeltaTable() throws Exception {
        Path extra = Files.createDirectories(tmp.resolve("new arrivals"));
        Files.write(extra.resolve("first.jpg"), GeneratedImages.jpeg(GeneratedImages.gradient(50, 40, 900), 0.9f));
        Path delta = tmp.resolve("delta");
        String[] score = {"score", "--input", lib.resolve("Odd names").toString(), "--input", extra.toString(), "--output", delta.toString(),
            "--mode", "embeddings", "--set", "output.format=delta", "--set", "output.partition-by=status"};
        CliRun first = cli(score);
        assertEquals(0, first.exitCode(), first.toString());
        // a changed file and a new one: the incremental run MERGEs one update and one insert
        Files.setLastModifiedTime(extra.resolve("first.jpg"), FileTime.from(Instant.now().plusSeconds(60)));
        Files.write(extra.resolve("second.jpg"), GeneratedImages.jpeg(GeneratedImages.gradient(50, 40, 901), 0.9f));
        List<String> incremental = new ArrayList<>(List.of(score));
        incremental.add("--incremental");
        CliRun merge = cli(incremental.toArray(String[]::new));
        assertEquals(0, merge.exitCode(), merge.toString());
        long oddNames = EXPECTED.keySet().stream().filter(p -> p.startsWith("Odd names/")).count();
        assertTrue(merge.out().contains((oddNames + 2) + " files listed, 2 to score"), merge.out());
        SparkSession spark = SparkTestSession.get();
        Row counts = spark.sql("SELECT count(*), count(DISTINCT path) FROM delta.`" + delta + "`").first();
        assertEquals(oddNames + 2, counts.getLong(0));
        assertEquals(oddNames + 2, counts.getLong(1));
        Row last = spark.sql("DESCRIBE HISTORY delta.`" + delta + "`").where("operation = 'MERGE'").first();
        assertEquals("1", ((scala.collection.Map<String, String>) last.getAs("operationMetrics")).get("numTargetRowsUpdated").get());
        assertEquals("1", ((scala.collection.Map<String, String>) last.getAs("operationMetrics")).get("numTargetRowsInserted").get());
    }
}
