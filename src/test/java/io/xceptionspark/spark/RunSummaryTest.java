package io.xceptionspark.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The run summary table and its JSON form. */
class RunSummaryTest {
    private final RunSummary summary = new RunSummary("file:/out", "append", "both", "xception/imagenet:sha256=abc",
            "299x299 crop bicubic crop_pct=0.8975 mean=0.5,0.5,0.5 std=0.5,0.5,0.5", "2024-05-01T02:00:00Z", 120, 100, 17, 3, Map.of("CORRUPT", 2L, "EMPTY", 1L), 1, 5.25, 3.8, 9.5);

    @Test
    void tableShowsCountsByErrorCodeAndRates() {
        String table = summary.table();
        assertTrue(table.matches("(?s).*files listed\\s+120\\n.*skipped\\s+100 \\(already in the output\\)\\n.*"), table);
        assertTrue(table.matches("(?s).*scored\\s+17\\n\\s+failed\\s+3\\n\\s+CORRUPT\\s+2\\n\\s+EMPTY\\s+1\\n.*"), table);
        assertTrue(table.matches("(?s).*images/s\\s+5.25\\n.*"), table);
        assertTrue(table.contains("9.5 s (scoring 3.8 s)"), table);
        assertTrue(table.matches("(?s).*preprocess\\s+299x299 crop bicubic crop_pct=0.8975 mean=0.5,0.5,0.5.*"), table);
    }

    @Test
    void jsonRoundTrips() {
        String json = summary.toJson();
        assertTrue(json.contains("\"imagesPerSecond\": 5.25"), json);
        assertEquals(summary, RunSummary.fromJson(json));
    }

    @Test
    void progressDurations() {
        assertEquals("42s", ProgressReporter.duration(42));
        assertEquals("2m05s", ProgressReporter.duration(125));
        assertEquals("1h01m", ProgressReporter.duration(3660));
    }
}
