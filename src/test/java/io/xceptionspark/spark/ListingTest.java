package io.xceptionspark.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.xceptionspark.config.InputOptions;
import io.xceptionspark.testing.Shared;
import io.xceptionspark.testing.SparkTestSession;
import io.xceptionspark.testing.TestJobs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** binaryFile's options as the job passes them: recursion, glob filter, modified before/after, many paths. */
class ListingTest {
    @TempDir
    static Path tmp;
    static Path root;

    @BeforeAll
    static void files() throws Exception {
        root = tmp.resolve("images");
        Path edge = Shared.path("edge-images");
        TestJobs.copy(root, edge.resolve("hopper.bmp"), edge.resolve("i_trns.png"), edge.resolve("empty.jpg"));
        TestJobs.copy(root.resolve("2024/05"), edge.resolve("hopper_gray.jpg"), edge.resolve("p_trns_single.png"));
        Files.setLastModifiedTime(root.resolve("i_trns.png"), FileTime.from(Instant.parse("2020-01-01T00:00:00Z")));
    }

    private static Set<String> names(InputOptions input) {
        SparkSession spark = SparkTestSession.get();
        ScoringJob.Listing listing = ScoringJob.list(spark, input, spark.sparkContext().hadoopConfiguration());
        List<Row> rows = listing.rows().collectAsList();
        assertEquals(rows.size(), listing.count());
        return rows.stream().map(r -> r.<String>getAs("path")).map(p -> p.substring(p.lastIndexOf('/') + 1))
                .collect(Collectors.toSet());
    }

    private static InputOptions input(List<Path> paths, boolean recursive, String glob, String before, String after) {
        return new InputOptions(paths.stream().map(Path::toString).toList(), recursive, glob, before, after, 64);
    }

    @Test
    void recursiveLookupIncludingZeroByteFiles() {
        assertEquals(Set.of("hopper.bmp", "i_trns.png", "empty.jpg", "hopper_gray.jpg", "p_trns_single.png"),
                names(input(List.of(root), true, "", "", "")));
    }

    @Test
    void pathGlobFilter() {
        assertEquals(Set.of("i_trns.png", "p_trns_single.png"), names(input(List.of(root), true, "*.png", "", "")));
        assertEquals(Set.of("empty.jpg", "hopper_gray.jpg"), names(input(List.of(root), true, "*.jpg", "", "")));
    }

    @Test
    void modifiedBeforeAndAfter() {
        assertEquals(Set.of("i_trns.png"), names(input(List.of(root), true, "", "2021-01-01T00:00:00", "")));
        assertEquals(4, names(input(List.of(root), true, "", "", "2021-01-01T00:00:00")).size());
    }

    @Test
    void severalPathsAndGlobPatterns() {
        assertEquals(Set.of("hopper.bmp", "hopper_gray.jpg"),
                names(input(List.of(root.resolve("hopper.bmp"), root.resolve("2024/*/hopper_gray.jpg")), false, "", "", "")));
    }
}
