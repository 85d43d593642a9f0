package io.xceptionspark.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.xceptionspark.spark.ScoringResults;

/** The check of every kill -9 test: after the rerun, each input file has exactly one row. */
public final class ExactlyOnce {
    private ExactlyOnce() {}

    /** {@code files} rows in the output at {@code out}, and as many distinct (path, modification_time). */
    public static void check(String out, int files, String scenario) {
        var rows = ScoringResults.read(SparkTestSession.get(), out);
        long count = rows.count();
        long distinct = rows.select("path", "modification_time").distinct().count();
        System.out.printf("kill scenario %s: %d rows, %d distinct (path, modification_time)%n", scenario, count,
                distinct);
        assertEquals(files, count, scenario + ": rows");
        assertEquals(files, distinct, scenario + ": distinct (path, modification_time)");
    }
}
