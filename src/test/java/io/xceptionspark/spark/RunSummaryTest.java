package io.xceptionspark.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.xceptionspark.scoring.Stage;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The run summary table and its JSON form. */
class RunSummaryTest {
    private final RunSummary summary = new RunSummary("file:/out", "append", "both", "xception/imagenet:sha256=abc",
            "299x299 crop bicubic crop_pct=0.8975 mean=0.5,0.5,0.5 std=0.5,0.5,0.5", "2024-05-01T02:00:00Z", 120, 100, 17, 3, Map.of("CORRUPT", 2L, "EMPTY", 1L), 1, 5.25, 3.8, 9.5,
            stages(0.5, 0.0, 0.2, 0.3, 0.4, 2.4, 0.2));

    /** Seconds per stage, in stage order. */
    private static Map<String, Double> stages(double... seconds) {
        Map<String, Double> map = new LinkedHashMap<>();
        for (Stage stage : Stage.values()) {
            map.put(stage.label(), seconds[stage.ordinal()]);
        }
        return map;
    }

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
    void tableShowsTheTimeByStageWithShares() {
        String table = summary.table();
        assertTrue(table.contains("time by stage"), table);
        assertTrue(table.matches("(?s).*forward\\s+2.4 s\\s+60.0%\\n.*"), table);
        assertTrue(table.matches("(?s).*decode\\s+0.3 s\\s+7.5%\\n.*"), table);
        assertTrue(table.indexOf("task start") < table.indexOf("    read ") && table.indexOf("decode")
                < table.indexOf("resize/crop") && table.indexOf("forward") < table.indexOf("write"), table);
    }

    @Test
    void summariesWrittenBeforeTheStageAccountStillRead() {
        String old = summary.toJson().replaceAll("(?s),\\s*\"stageSeconds\": \\{[^}]*\\}", "");
        assertTrue(!old.contains("stageSeconds"), old);
        RunSummary read = RunSummary.fromJson(old);
        assertEquals(Map.of(), read.stageSeconds());
        assertTrue(!read.table().contains("time by stage"));
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
