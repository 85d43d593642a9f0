package io.xceptionspark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.xceptionspark.scoring.Scores;
import io.xceptionspark.testing.TestData;
import io.xceptionspark.testing.TestJobs;
import io.xceptionspark.testing.SparkTestSession;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * similar, duplicates and sql on a real output: the sample photos plus planted near-duplicates (resized,
 * recompressed and slightly cropped copies of three of them) and one byte-identical copy.
 */
class SearchCommandsTest {
    /** Random weights at 71x71: fast; planted copies stay each other's nearest neighbours. */
    static final String[] MODEL = {"--set", "model.weights=none", "--set", "model.seed=77", "--set",
        "model.input-height=71", "--set", "model.input-width=71"};
    static final String[] ORIGINALS = {"dog.jpg", "eagle.jpg", "giraffe.jpg"};

    @TempDir
    static Path tmp;
    static Path images;
    static Path index;
    static Path variants;
    /** Planted copy file name -> the original it was made from. */
    static final Map<String, String> PLANTED = new HashMap<>();

    @BeforeAll
    static void scoreSampleAndPlantedCopies() throws IOException {
        SparkTestSession.get();
        images = tmp.resolve("images");
        variants = tmp.resolve("variants");
        Files.createDirectories(images);
        Files.createDirectories(variants);
        TestJobs.copySamples(images, "");
        for (String name : ORIGINALS) {
            assertTrue(Files.exists(images.resolve(name)), name + " in sample-data");
            BufferedImage original = ImageIO.read(images.resolve(name).toFile());
            String stem = name.substring(0, name.lastIndexOf('.'));
            write(scaled(original, 0.6), images.resolve(stem + "_small.jpg"), 0.9f);
            write(original, images.resolve(stem + "_recompressed.jpg"), 0.5f);
            int dx = original.getWidth() / 20;
            int dy = original.getHeight() / 20;
            write(original.getSubimage(dx, dy, original.getWidth() - 2 * dx, original.getHeight() - 2 * dy),
                    images.resolve(stem + "_cropped.jpg"), 0.9f);
            for (String v : List.of("_small", "_recompressed", "_cropped")) {
                PLANTED.put(stem + v + ".jpg", name);
            }
            // a variant that is not in the index, to query with
            write(scaled(original, 0.8), variants.resolve(stem + "_query.jpg"), 0.85f);
        }
        Files.copy(images.resolve("dog.jpg"), images.resolve("dog_copy.jpg"));
        index = tmp.resolve("index");
        List<String> args = new ArrayList<>(List.of("score", "--input", images.toString(), "--output",
                index.toString(), "--mode", "both"));
        args.addAll(List.of(MODEL));
        CliRun run = CliRun.of(args.toArray(String[]::new));
        assertEquals(0, run.exitCode(), run.toString());
    }

    private static CliRun cli(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of(MODEL));
        return CliRun.of(all.toArray(String[]::new));
    }

    @Test
    void aPathInTheIndexFindsItselfFirstAndItsPlantedCopiesNext() {
        String dog = "file:" + images.resolve("dog.jpg");
        CliRun run = cli("similar", "--index", index.toString(), "--k", "5", "--json", dog);
        assertEquals(0, run.exitCode(), run.toString());
        List<String> lines = run.out().lines().filter(l -> l.startsWith("{")).toList();
        assertEquals(1, lines.size(), run.toString());
        JsonObject result = JsonParser.parseString(lines.get(0)).getAsJsonObject();
        assertEquals(dog, result.get("query").getAsString());
        JsonArray neighbors = result.getAsJsonArray("neighbors");
        assertEquals(5, neighbors.size());
        Set<String> top = new HashSet<>();
        for (int i = 0; i < 5; i++) {
            JsonObject n = neighbors.get(i).getAsJsonObject();
            top.add(name(n.get("path").getAsString()));
            if (i > 0) {
                assertTrue(n.get("similarity").getAsFloat()
                        <= neighbors.get(i - 1).getAsJsonObject().get("similarity").getAsFloat(), "ranked");
            }
        }
        String first = name(neighbors.get(0).getAsJsonObject().get("path").getAsString());
        assertTrue(first.equals("dog.jpg") || first.equals("dog_copy.jpg"), "itself (or its byte copy) first: " + first);
        assertTrue(neighbors.get(0).getAsJsonObject().get("similarity").getAsFloat() >= 0.9999f);
        assertEquals(Set.of("dog.jpg", "dog_copy.jpg", "dog_small.jpg", "dog_recompressed.jpg", "dog_cropped.jpg"), top,
                "the planted copies are the nearest neighbours");
    }

    @Test
    void newImagesAreEmbeddedAndFindTheirOriginals() {
        // no model settings given: they come from the index's metadata (weights none, seed 77, 71x71)
        CliRun run = CliRun.of("similar", "--index", index.toString(), "--k", "3", variants.toString());
        assertEquals(0, run.exitCode(), run.toString());
        for (String original : ORIGINALS) {
            String stem = original.substring(0, original.lastIndexOf('.'));
            List<String> lines = run.out().lines().toList();
            int at = -1;
            for (int i = 0; i < lines.size(); i++) {
                if (lines.get(i).startsWith("query ") && lines.get(i).endsWith(stem + "_query.jpg")) {
                    at = i;
                }
            }
            assertTrue(at >= 0, "results for " + stem + "_query.jpg: " + run);
            for (int r = 1; r <= 3; r++) {
                String line = lines.get(at + r);
                assertTrue(line.matches("\\s+" + r + "\\s+[01]\\.\\d{4}\\s+\\S+.*"), line);
                assertTrue(line.contains("/" + stem), "rank " + r + " of " + stem + "_query is a copy of it: " + line);
            }
        }
    }

    @Test
    void exactDuplicatesEqualBruteForceAndTheLshFindsTheSamePairs() {
        SparkSession spark = SparkTestSession.get();
        float threshold = 0.9f;
        CliRun exact = cli("duplicates", "--index", index.toString(), "--threshold", "0.9", "--exact", "--output",
                tmp.resolve("pairs-exact").toString());
        assertEquals(0, exact.exitCode(), exact.toString());
        CliRun approx = cli("duplicates", "--index", index.toString(), "--threshold", "0.9", "--output",
                tmp.resolve("pairs-approx").toString());
        assertEquals(0, approx.exitCode(), approx.toString());
        assertTrue(approx.out().contains("LSH bucket length"), approx.toString());

        List<Row> rows = spark.read().parquet(index.toString()).where("status = 'OK'").collectAsList();
        Set<String> brute = new TreeSet<>();
        for (Row a : rows) {
            for (Row b : rows) {
                String pa = a.getAs("path");
                String pb = b.getAs("path");
                if (pa.compareTo(pb) < 0 && (Scores.cosine(floats(a), floats(b)) >= threshold
                        || a.getAs("sha256").equals(b.getAs("sha256")))) {
                    brute.add(name(pa) + "|" + name(pb));
                }
            }
        }
        assertEquals(brute, pairs(spark, "pairs-exact"), "--exact equals brute force");
        assertEquals(brute, pairs(spark, "pairs-approx"), "the LSH (recall >= 0.99 at the threshold) finds every pair here");
        assertTrue(brute.contains("dog.jpg|dog_copy.jpg"));
        Row identical = spark.read().parquet(tmp.resolve("pairs-approx").toString())
                .where("path_a LIKE '%/dog.jpg' AND path_b LIKE '%/dog_copy.jpg'").first();
        assertEquals("identical", identical.getAs("match"));
        for (Map.Entry<String, String> planted : PLANTED.entrySet()) {
            String a = planted.getKey().compareTo(planted.getValue()) < 0 ? planted.getKey() : planted.getValue();
            String b = a.equals(planted.getKey()) ? planted.getValue() : planted.getKey();
            assertTrue(brute.contains(a + "|" + b), "planted pair " + a + " " + b + " found: " + brute);
        }
    }

    @Test
    void sqlFunctionsRunFromTheCommandLine() {
        CliRun run = cli("sql", "--json", "SELECT regexp_extract(path, '([^/]+)$', 1) AS file, xception_labels(content, 3)"
                + " AS top3, xception_error(content).error_code AS error FROM binaryFile.`" + images + "` ORDER BY file");
        assertEquals(0, run.exitCode(), run.toString());
        List<String> lines = run.out().lines().filter(l -> l.startsWith("{")).toList();
        assertEquals(count(images), lines.size(), run.toString());
        JsonObject cat = JsonParser.parseString(lines.stream().filter(l -> l.contains("\"dog.jpg\"")).findFirst()
                .orElseThrow()).getAsJsonObject();
        assertEquals(3, cat.getAsJsonArray("top3").size());
        CliRun table = cli("sql", "--index", index.toString(), "SELECT count(*) AS n FROM xception_latest;"
                + " SELECT status, count(*) AS n FROM xception_results GROUP BY status");
        assertEquals(0, table.exitCode(), table.toString());
        assertTrue(table.out().contains("| " + count(images) + " "), table.toString());
        assertTrue(table.out().contains("| OK "), table.toString());
    }

    @Test
    void badInputIsExitTwoWithOneMessage() throws IOException {
        Path labelsOnly = tmp.resolve("labels-only");
        List<String> args = new ArrayList<>(List.of("score", "--input", TestData.sample("dog.jpg")
                .toString(), "--output", labelsOnly.toString(), "--mode", "labels"));
        args.addAll(List.of(MODEL));
        assertEquals(0, CliRun.of(args.toArray(String[]::new)).exitCode());
        expectConfigError("has no embedding column", "similar", "--index", labelsOnly.toString(), "x.jpg");
        expectConfigError("--k must be from 1", "similar", "--index", index.toString(), "--k", "0", "x.jpg");
        expectConfigError("--threshold must be in (0, 1]", "duplicates", "--index", index.toString(), "--threshold",
                "1.5", "--output", tmp.resolve("p").toString());
        expectConfigError("neither a path in the index", "similar", "--index", index.toString(),
                tmp.resolve("no-such.jpg").toString());
        expectConfigError("No xception-spark output", "similar", "--index", tmp.resolve("nothing").toString(), "x.jpg");
        expectConfigError("SQL error", "sql", "SELECT xception_labels(42)");
        // queries embedded with another model than the index's cannot be compared with it
        CliRun other = CliRun.of("similar", "--index", index.toString(), "--set", "model.seed=78", variants.toString());
        assertEquals(ExitCodes.CONFIG, other.exitCode(), other.toString());
        assertTrue(other.err().contains("holds embeddings of [xception/random:seed=77]"), other.toString());
    }

    private static void expectConfigError(String message, String... args) {
        CliRun run = cli(args);
        assertEquals(ExitCodes.CONFIG, run.exitCode(), run.toString());
        assertTrue(run.err().contains(message), run.toString());
    }

    private static long count(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.count();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static Set<String> pairs(SparkSession spark, String dir) {
        Set<String> pairs = new TreeSet<>();
        for (Row r : spark.read().parquet(tmp.resolve(dir).toString()).collectAsList()) {
            pairs.add(name(r.getAs("path_a")) + "|" + name(r.getAs("path_b")));
        }
        return pairs;
    }

    private static float[] floats(Row r) {
        List<Float> list = r.getList(r.fieldIndex("embedding"));
        float[] v = new float[list.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = list.get(i);
        }
        return v;
    }

    private static String name(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }

    private static BufferedImage scaled(BufferedImage image, double factor) {
        int w = (int) Math.round(image.getWidth() * factor);
        int h = (int) Math.round(image.getHeight() * factor);
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(image, 0, 0, w, h, null);
        g.dispose();
        return out;
    }

    private static void write(BufferedImage image, Path file, float quality) throws IOException {
        BufferedImage rgb = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = rgb.createGraphics();
        g.drawImage(image, 0, 0, null);
        g.dispose();
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ImageWriteParam param = writer.getDefaultWriteParam();
        param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
        param.setCompressionQuality(quality);
        try (ImageOutputStream out = ImageIO.createImageOutputStream(file.toFile())) {
            writer.setOutput(out);
            writer.write(null, new IIOImage(rgb, null, null), param);
        } finally {
            writer.dispose();
        }
    }
}
