package io.xceptionspark.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import io.xceptionspark.bench.SyntheticOutput;
import io.xceptionspark.cli.Main;
import io.xceptionspark.config.ReportOptions;
import io.xceptionspark.scoring.Stage;
import io.xceptionspark.testing.TestData;
import io.xceptionspark.testing.SparkTestSession;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reports opened in real headless Chromium (Debian's package; scripts/test.sh installs it): the report of a
 * real scoring run of the sample photos plus broken files (made by score --report), and of a 2,000-image
 * output. Checks the DOM a user sees (thumbnails, charts, failure groups, map, neighbours), that sorting,
 * filtering and the map's hover work, that the page loads nothing from anywhere, and that the console stays
 * free of errors. Screenshots go to target/report-screenshots/.
 */
class ReportBrowserTest {
    private static final Path SHOTS = Path.of("target", "report-screenshots");
    private static HeadlessChromium browser;
    private static Path profile;

    @BeforeAll
    static void startBrowser() throws Exception {
        profile = Files.createTempDirectory("xception-spark-chromium-");
        browser = new HeadlessChromium(profile, 1280, 900);
    }

    @AfterAll
    static void stopBrowser() throws Exception {
        if (browser != null) {
            browser.close();
        }
        try (Stream<Path> files = Files.walk(profile)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Test
    void reportOfTheSampleRunFromScoreReport(@TempDir Path tmp) throws Exception {
        SparkTestSession.get();
        Path in = tmp.resolve("in");
        Files.createDirectories(in);
        List<Path> photos = samplePhotos();
        for (Path p : photos) {
            Files.copy(p, in.resolve(p.getFileName()));
        }
        for (String broken : List.of("truncated_jpeg.jpg", "not-an-image.jpg", "empty.jpg")) {
            Files.copy(TestData.path("edge-images/" + broken), in.resolve(broken));
        }
        Path out = tmp.resolve("out");
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        int code = Main.run(new String[] {"score", "--input", in.toString(), "--output", out.toString(), "--mode",
            "both", "--weights", "none", "--set", "model.input-height=71", "--set", "model.input-width=71", "--report"},
                new PrintStream(stdout, true, StandardCharsets.UTF_8), System.err);
        assertEquals(0, code, stdout.toString(StandardCharsets.UTF_8));
        Path report = out.resolve(HtmlReport.FILE);
        assertTrue(Files.isRegularFile(report), stdout.toString(StandardCharsets.UTF_8));

        browser.open(report.toUri().toString());
        int scored = photos.size();
        assertEquals(scored, browser.count("#gallery .card"));
        assertEquals(scored, browser.count("#gallery .card img.thumb"), "every scored photo has its thumbnail");
        assertEquals(3, browser.count("#failures .failure-group"), "EMPTY, UNSUPPORTED_FORMAT, CORRUPT");
        assertEquals(1, browser.count("#failures .failure-group[data-code=CORRUPT] img.thumb"),
                "the truncated JPEG's decoded part is shown");
        assertEquals(1, browser.count("#failures .failure-group[data-code=EMPTY] svg.icon"));
        assertEquals(1, browser.count("#failures .failure-group[data-code=UNSUPPORTED_FORMAT] svg.icon"));
        assertEquals(20, browser.count("#confidence-chart rect.hist-bin"));
        int labels = browser.eval("new Set(Array.from(document.querySelectorAll('#gallery .card'))"
                + ".map(c => c.dataset.label)).size").getAsInt();
        assertEquals(Math.min(30, labels), browser.count("#label-chart rect.bar"));
        assertEquals(scored, browser.count("#map circle.point"));
        assertEquals(6, browser.count("#neighbours .nn-row"));
        assertEquals(6 * 5, browser.count("#neighbours .nn-row .nn"));
        assertEquals(1, browser.count("#history tr.run"));
        assertEquals("16", browser.eval("document.querySelector('#last-run').textContent.match(/files listed(\\d+)/)[1]")
                .getAsString());
        // the last run's time by stage: one row per stage, the forward pass among them
        assertEquals(Stage.values().length, browser.count("#stages tr") - 1);
        assertTrue(browser.eval("document.querySelector('#stages').textContent").getAsString()
                .matches("(?s).*forward[0-9.]+ s[0-9.]+%.*"));
        assertSelfContained();
        assertSortedLowestFirst();
        assertLabelFilter();
        assertMapHover();
        browser.screenshot(SHOTS.resolve("sample-run.png"), 4000);
        assertEquals(List.of(), browser.errors(), "console errors");
    }

    @Test
    void reportOfATwoThousandImageOutput(@TempDir Path tmp) throws Exception {
        SparkSession spark = SparkTestSession.get();
        List<Path> photos = samplePhotos();
        List<String> files = SyntheticOutput.files(tmp.resolve("in"), photos, 2000);
        String output = tmp.resolve("out").toString();
        SyntheticOutput.write(spark, files, photos.size(), output);
        Path report = tmp.resolve("report.html");
        ReportOptions options = new ReportOptions(150, 96, 6, 5); // a smaller gallery than the default, for CI time
        HtmlReport.Written written = new HtmlReport(options, 64L << 20, 100_000_000L).write(spark, output,
                report.toString());
        assertTrue(written.bytes() < 2_000_000, "a 2,000-image report stays small: " + written.bytes());

        browser.open(report.toUri().toString());
        assertEquals(options.sampleImages(), browser.count("#gallery .card"));
        assertEquals(options.sampleImages(), browser.count("#gallery .card img.thumb"));
        assertEquals(3, browser.count("#failures .failure-group"));
        assertEquals(2000 / 33, browser.eval("Array.from(document.querySelectorAll('#output-totals td.code'))"
                + ".reduce((n, td) => n + Number(td.nextElementSibling.textContent.replace(/,/g, '')), 0)").getAsInt());
        assertEquals(photos.size(), browser.count("#label-chart rect.bar"), "one label per pictured cluster");
        assertEquals(20, browser.count("#confidence-chart rect.hist-bin"));
        assertEquals(options.sampleImages(), browser.count("#map circle.point"));
        assertEquals(3, browser.count("#history tr.run"), "three runs of an incremental output");
        assertEquals(options.neighbourQueries(), browser.count("#neighbours .nn-row"));
        assertTrue(browser.eval("Array.from(document.querySelectorAll('#neighbours .nn-row')).every(row =>"
                + " Array.from(row.querySelectorAll('.nn .sim')).map(s => Number(s.textContent))"
                + ".every((v, i, a) => i === 0 || a[i - 1] >= v))").getAsBoolean(), "neighbours most similar first");
        assertSelfContained();
        assertSortedLowestFirst();
        assertLabelFilter();
        assertMapHover();
        browser.screenshot(SHOTS.resolve("synthetic-2000.png"), 2600);
        assertEquals(List.of(), browser.errors(), "console errors");
    }

    @Test
    void labelsOnlyAndEmbeddingsOnlyOutputsLeaveSectionsOutWithANote(@TempDir Path tmp) throws Exception {
        SparkSession spark = SparkTestSession.get();
        List<Path> photos = samplePhotos();
        List<String> files = SyntheticOutput.files(tmp.resolve("in"), photos, 100);
        String both = tmp.resolve("both").toString();
        SyntheticOutput.write(spark, files, photos.size(), both);
        String labelsOnly = tmp.resolve("labels").toString();
        spark.read().parquet(both).drop("embedding").write().parquet(labelsOnly);
        String embeddingsOnly = tmp.resolve("embeddings").toString();
        spark.read().parquet(both).drop("label", "class_index", "probability", "top_k").write().parquet(embeddingsOnly);
        HtmlReport reports = new HtmlReport(new ReportOptions(40, 48, 2, 3), 64L << 20, 100_000_000L);

        reports.write(spark, labelsOnly, tmp.resolve("labels.html").toString());
        browser.open(tmp.resolve("labels.html").toUri().toString());
        assertEquals(40, browser.count("#gallery .card img.thumb"));
        assertEquals(20, browser.count("#confidence-chart rect.hist-bin"));
        assertEquals(0, browser.count("#map circle.point"));
        assertEquals(1, browser.count("#map .note[data-note=embeddings]"));
        assertEquals(1, browser.count("#neighbours .note[data-note=embeddings]"));
        assertTrue(browser.eval("document.querySelector('#map .note').textContent").getAsString()
                .contains("no embedding column"));

        reports.write(spark, embeddingsOnly, tmp.resolve("embeddings.html").toString());
        browser.open(tmp.resolve("embeddings.html").toUri().toString());
        assertEquals(40, browser.count("#gallery .card img.thumb"));
        assertEquals(0, browser.count("#label-chart, #confidence-chart"));
        assertEquals(1, browser.count("#charts .note[data-note=labels]"));
        assertEquals(40, browser.count("#map circle.point"));
        assertEquals(2, browser.count("#neighbours .nn-row"));
        assertEquals(2 * 3, browser.count("#neighbours .nn"));
        assertEquals(3, browser.count("#failures .failure-group"));
        assertEquals(List.of(), browser.errors(), "console errors");
    }

    private static List<Path> samplePhotos() throws Exception {
        try (Stream<Path> files = Files.list(Path.of("sample-data"))) {
            return files.filter(p -> !p.getFileName().toString().endsWith(".md")).sorted().toList();
        }
    }

    /** Every src/href is a data: URI or an in-page anchor, and the page fetched nothing. */
    private static void assertSelfContained() throws Exception {
        assertEquals(0, browser.eval("Array.from(document.querySelectorAll('[src],[href]')).filter(e => {"
                + " const v = e.getAttribute('src') || e.getAttribute('href') || '';"
                + " return !(v.startsWith('data:') || v.startsWith('#')); }).length").getAsInt());
        JsonElement fetched = browser.eval("performance.getEntriesByType('resource').map(e => e.name)");
        assertEquals(0, fetched.getAsJsonArray().size(), "resources fetched: " + fetched);
        assertEquals(0, browser.count("link, script[src], iframe, object, embed"));
    }

    /** The gallery's default order is lowest confidence first. */
    private static void assertSortedLowestFirst() throws Exception {
        JsonArray p = browser.eval("Array.from(document.querySelectorAll('#gallery .card:not([hidden])'))"
                + ".map(c => Number(c.dataset.p))").getAsJsonArray();
        for (int i = 1; i < p.size(); i++) {
            assertTrue(p.get(i - 1).getAsDouble() <= p.get(i).getAsDouble(), "lowest confidence first: " + p);
        }
    }

    /** Typing a label keeps exactly the cards with that label; clearing it shows all again. */
    private static void assertLabelFilter() throws Exception {
        int all = browser.count("#gallery .card");
        String label = browser.eval("document.querySelector('#gallery .card').dataset.label").getAsString();
        int expected = browser.eval("Array.from(document.querySelectorAll('#gallery .card')).filter(c =>"
                + " c.dataset.label.toLowerCase().includes(" + new com.google.gson.JsonPrimitive(label.toLowerCase())
                + ")).length").getAsInt();
        browser.eval("(() => { const f = document.getElementById('label-filter'); f.value = "
                + new com.google.gson.JsonPrimitive(label) + "; f.dispatchEvent(new Event('input')); return 1; })()");
        assertEquals(expected, browser.count("#gallery .card:not([hidden])"));
        assertTrue(expected < all || all == expected, "filter applied");
        browser.eval("(() => { const f = document.getElementById('min-p'); f.value = '0.99';"
                + " f.dispatchEvent(new Event('input')); return 1; })()");
        assertEquals(0, browser.eval("Array.from(document.querySelectorAll('#gallery .card:not([hidden])'))"
                + ".filter(c => Number(c.dataset.p) < 0.99).length").getAsInt());
        browser.eval("(() => { const f = document.getElementById('label-filter'); f.value = '';"
                + " f.dispatchEvent(new Event('input')); const m = document.getElementById('min-p'); m.value = '0';"
                + " m.dispatchEvent(new Event('input')); return 1; })()");
        assertEquals(all, browser.count("#gallery .card:not([hidden])"));
    }

    /** Pointing at a map point shows its thumbnail in the tooltip. */
    private static void assertMapHover() throws Exception {
        browser.eval("(() => { document.querySelector('#map').scrollIntoView(); return 1; })()");
        JsonArray xy = browser.eval("(() => { const r = document.querySelector('#map circle.point')"
                + ".getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2]; })()").getAsJsonArray();
        browser.moveMouse(xy.get(0).getAsDouble(), xy.get(1).getAsDouble());
        assertTrue(browser.eval("!document.getElementById('map-tip').hidden").getAsBoolean(), "tooltip shown");
        assertTrue(browser.eval("document.querySelector('#map-tip img').src").getAsString()
                .startsWith("data:image/jpeg;base64,"), "tooltip thumbnail");
        browser.moveMouse(2, 2);
        browser.eval("(() => { window.scrollTo(0, 0); return 1; })()");
    }
}
