package io.xceptionspark.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.xceptionspark.config.JobConfig;
import io.xceptionspark.image.ImageDecoder;
import io.xceptionspark.image.ImageFormat;
import io.xceptionspark.testing.SparkTestSession;
import io.xceptionspark.testing.TestJobs;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job end to end (local[2], Kryo registrationRequired) on a folder of HEIC, AVIF and JPEG XL files, each
 * beside its reference decode as a PNG: every file is a row, the decodable ones are OK with the same embedding
 * as their reference PNG (whose Exif the fixture script removed: the pixels are upright already), and a truncated HEIC is a CORRUPT row. Needs vips (scripts/install-image-decoders.sh).
 */
class HeifFormatsJobTest {
    private static final List<String> FILES = List.of("coffee-grid.heic", "kitten-irot90.heic", "kitten-exif6.heic",
            "chelsea-10bit.avif", "chelsea-alpha.jxl");

    @Test
    void heicAvifAndJxlFilesAreScoredLikeTheirReferenceDecodes(@TempDir Path tmp) throws Exception {
        assertTrue(ImageDecoder.decodes(ImageFormat.HEIF), "this test needs libvips' command-line tool 'vips' on the"
                + " PATH: apt-get install libvips-tools (scripts/install-image-decoders.sh, which scripts/test.sh runs)");
        SparkSession spark = SparkTestSession.get();
        Path in = Files.createDirectories(tmp.resolve("phone photos"));
        for (String file : FILES) {
            Files.write(in.resolve("IMG " + file), resource(file));
            Files.write(in.resolve("IMG " + file + ".png"), resource(file + ".png"));
        }
        byte[] heic = resource("kitten.heic");
        Files.write(in.resolve("cut.heic"), Arrays.copyOf(heic, heic.length / 2));
        Path out = tmp.resolve("out");
        JobConfig job = TestJobs.small(List.of(in), out).set("scoring.mode", "embeddings").load();
        RunSummary summary = ScoringJob.run(spark, job, new PrintStream(OutputStream.nullOutputStream()));

        List<Row> rows = spark.read().parquet(out.toString()).collectAsList();
        Map<String, Row> byName = rows.stream().collect(Collectors.toMap(
                r -> r.<String>getAs("path").substring(r.<String>getAs("path").lastIndexOf('/') + 1), r -> r));
        assertEquals(2 * FILES.size() + 1, rows.size(), "one row per file");
        assertEquals(2 * FILES.size(), summary.scored());
        for (String file : FILES) {
            Row row = byName.get("IMG " + file);
            Row reference = byName.get("IMG " + file + ".png");
            assertEquals("OK", row.getAs("status"), file + ": " + row.getAs("error_message"));
            assertNull(row.getAs("error_code"));
            List<Float> ours = row.getList(row.fieldIndex("embedding"));
            List<Float> theirs = reference.getList(reference.fieldIndex("embedding"));
            double maxDiff = 0;
            for (int i = 0; i < ours.size(); i++) {
                maxDiff = Math.max(maxDiff, Math.abs(ours.get(i) - theirs.get(i)));
            }
            // the same pixels give the same input and the same embedding, bit for bit
            assertTrue(ours.equals(theirs), file + " scores unlike its reference decode: max |diff| " + maxDiff);
        }
        Row cut = byName.get("cut.heic");
        assertEquals("CORRUPT", cut.getAs("error_code"), String.valueOf(cut.<String>getAs("error_message")));
        assertTrue(cut.<String>getAs("error_message").contains("HEIC/HEIF"), cut.<String>getAs("error_message"));
    }

    @Test
    void withoutTheDecoderTheFilesAreUnsupportedFormatRowsNamingWhatToInstall(@TempDir Path tmp) throws Exception {
        SparkSession spark = SparkTestSession.get();
        Path in = Files.createDirectories(tmp.resolve("in"));
        for (String file : List.of("kitten.heic", "chelsea-8bit.avif", "chelsea-lossy.jxl")) {
            Files.write(in.resolve(file), resource(file));
        }
        Files.write(in.resolve("kitten.heic.png"), resource("kitten.heic.png"));
        Path out = tmp.resolve("out");
        JobConfig job = TestJobs.small(List.of(in), out).load();
        // local[2]: the executors are this JVM, so the property reaches them as -D in extraJavaOptions would
        Path missing = tmp.resolve("not-installed/vips");
        String before = System.getProperty("xceptionspark.vips");
        System.setProperty("xceptionspark.vips", missing.toString());
        RunSummary summary;
        try {
            summary = ScoringJob.run(spark, job, new PrintStream(OutputStream.nullOutputStream()));
        } finally {
            if (before == null) {
                System.clearProperty("xceptionspark.vips");
            } else {
                System.setProperty("xceptionspark.vips", before);
            }
        }
        List<Row> rows = spark.read().parquet(out.toString()).collectAsList();
        assertEquals(4, rows.size(), "one row per file");
        assertEquals(1, summary.scored());
        for (Row row : rows) {
            String path = row.getAs("path");
            if (path.endsWith(".png")) {
                assertEquals("OK", row.getAs("status"), path);
                continue;
            }
            String message = row.getAs("error_message");
            assertEquals("UNSUPPORTED_FORMAT", row.getAs("error_code"), path + ": " + message);
            assertTrue(message.contains("no decoder on this executor") && message.contains("is not at " + missing)
                    && message.contains("apt-get install libvips-tools"), path + ": " + message);
        }
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = HeifFormatsJobTest.class.getResourceAsStream("/io/xceptionspark/image/heif/" + name)) {
            return in.readAllBytes();
        }
    }
}
