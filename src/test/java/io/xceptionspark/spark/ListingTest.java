package io.xceptionspark.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.xceptionspark.config.InputOptions;
import io.xceptionspark.testing.TestData;
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

/**
 * The driver-side listing ({@link InputFiles}): binaryFile's options as the job passes them (recursion, glob
 * filter, modified before/after, many paths), the same path strings as a binaryFile scan, no Spark job, and
 * the spread into balanced runs of paths without a shuffle.
 */
class ListingTest {
    @TempDir
    static Path tmp;
    static Path root;

    @BeforeAll
    static void files() throws Exception {
        root = tmp.resolve("images");
        Path edge = TestData.path("edge-images");
        TestJobs.copy(root, edge.resolve("hopper.bmp"), edge.resolve("i_trns.png"), edge.resolve("empty.jpg"));
        TestJobs.copy(root.resolve("2024/05"), edge.resolve("hopper_gray.jpg"), edge.resolve("p_trns_single.png"));
        Files.setLastModifiedTime(root.resolve("i_trns.png"), FileTime.from(Instant.parse("2020-01-01T00:00:00Z")));
    }

    private static Set<String> names(InputOptions input) {
        SparkSession spark = SparkTestSession.get();
        InputFiles listing = InputFiles.list(spark, input);
        List<Row> rows = listing.rows(spark).collectAsList();
        assertEquals(rows.size(), listing.count());
        return rows.stream().map(r -> r.<String>getAs("path")).map(p -> p.substring(p.lastIndexOf('/') + 1))
                .collect(Collectors.toSet());
    }

    private static InputOptions input(List<Path> paths, boolean recursive, String glob, String before, String after) {
        return new InputOptions(paths.stream().map(Path::toString).toList(), recursive, glob, before, after, 64, 3);
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
    void pathsAreTheStringsABinaryFileScanGives() throws Exception {
        Path odd = tmp.resolve("odd names");
        TestJobs.copy(odd, TestData.path("edge-images").resolve("hopper.bmp"));
        for (String name : List.of("a b.bmp", "100%.bmp", "ü#x.bmp", "q?.bmp", "[1]{x}.bmp", "it's \"q\".bmp",
                "<b>&amp;.bmp", "back\\slash.bmp", "nested dir/a:b.bmp", "k=v/x.bmp")) {
            Files.createDirectories(odd.resolve(name).getParent());
            Files.copy(odd.resolve("hopper.bmp"), odd.resolve(name));
        }
        SparkSession spark = SparkTestSession.get();
        Set<String> scanned = spark.read().format("binaryFile").option("recursiveFileLookup", true)
                .load(odd.toString()).select("path")
                .as(org.apache.spark.sql.Encoders.STRING()).collectAsList().stream().collect(Collectors.toSet());
        InputFiles listed = InputFiles.list(spark, input(List.of(odd), true, "", "", ""));
        assertEquals(scanned, listed.rows(spark).select("path").as(org.apache.spark.sql.Encoders.STRING())
                .collectAsList().stream().collect(Collectors.toSet()));
        assertEquals(11, scanned.size());
    }

    @Test
    void listingRunsNoSparkJob() throws Exception {
        SparkSession spark = SparkTestSession.get();
        java.util.concurrent.atomic.AtomicInteger jobs = new java.util.concurrent.atomic.AtomicInteger();
        org.apache.spark.scheduler.SparkListener listener = new org.apache.spark.scheduler.SparkListener() {
            @Override
            public void onJobStart(org.apache.spark.scheduler.SparkListenerJobStart start) {
                jobs.incrementAndGet();
            }
        };
        spark.sparkContext().addSparkListener(listener);
        try {
            assertEquals(5, InputFiles.list(spark, input(List.of(root), true, "", "", "")).count());
            spark.sparkContext().listenerBus().waitUntilEmpty();
            assertEquals(0, jobs.get());
        } finally {
            spark.sparkContext().removeSparkListener(listener);
        }
    }

    @Test
    void partitionedIntoBalancedRunsOfPathsWithoutAShuffle() {
        SparkSession spark = SparkTestSession.get();
        InputFiles listed = InputFiles.list(spark, input(List.of(root), true, "", "", ""));
        org.apache.spark.sql.Dataset<Row> spread = listed.partitioned(spark, 3);
        assertEquals(3, spread.rdd().getNumPartitions());
        List<Row> byPartition = spread.select(org.apache.spark.sql.functions.spark_partition_id(), spread.col("path"))
                .collectAsList();
        assertEquals(List.of(0, 1, 1, 2, 2), byPartition.stream().map(r -> r.getInt(0)).toList());
        List<String> sorted = rowsPaths(listed.rows(spark)).stream().sorted().toList();
        assertEquals(sorted, byPartition.stream().map(r -> r.getString(1)).toList());
        assertEquals(listed.rows(spark).collectAsList(), spread.collectAsList());
        String plan = spread.queryExecution().executedPlan().toString();
        assertFalse(plan.contains("Exchange"), plan);
    }

    @Test
    void modificationTimesAsTheSessionHandsThemOut() {
        SparkSession spark = SparkTestSession.get();
        String key = "spark.sql.datetime.java8API.enabled";
        try {
            for (boolean java8 : List.of(false, true)) {
                spark.conf().set(key, java8);
                InputFiles listed = InputFiles.list(spark, input(List.of(root), true, "i_trns.png", "", ""));
                Object modified = listed.partitioned(spark, 1).collectAsList().get(0).get(1);
                Instant expected = Instant.parse("2020-01-01T00:00:00Z");
                assertEquals(expected, java8 ? modified : ((java.sql.Timestamp) modified).toInstant());
                assertEquals(java8 ? Instant.class : java.sql.Timestamp.class, modified.getClass());
            }
        } finally {
            spark.conf().unset(key);
        }
    }

    private static List<String> rowsPaths(org.apache.spark.sql.Dataset<Row> rows) {
        return rows.collectAsList().stream().map(r -> r.<String>getAs("path")).toList();
    }

    /**
     * More sibling folders than spark.sql.sources.parallelPartitionDiscovery.threshold (32): where Spark's file
     * index lists the input (other file systems than file:, here viewfs; or input.recursive = false) it lists
     * them in a Spark job whose tasks Kryo serialises (Path[] in, file statuses out), under registrationRequired,
     * each way the statuses come back: located statuses, plain ones (ignoreDataLocality), viewfs' own, and the
     * folders given as a glob. Local input with recursive lookup is walked on the driver: no job.
     */
    @Test
    void moreSubFoldersThanTheParallelListingThreshold() throws Exception {
        Path many = tmp.resolve("many");
        for (int i = 0; i < 40; i++) {
            Path day = Files.createDirectories(many.resolve(String.format("2024-01-%02d", i + 1)));
            Files.write(day.resolve("IMG_" + i + ".jpg"), new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) i});
        }
        SparkSession spark = SparkTestSession.get();
        org.apache.hadoop.conf.Configuration hadoop = spark.sparkContext().hadoopConfiguration();
        String mount = "fs.viewfs.mounttable.photos.link./library";
        String locality = "spark.sql.sources.ignoreDataLocality";
        try {
            hadoop.set(mount, many.toUri().toString());
            for (boolean ignoreLocality : List.of(false, true)) {
                spark.conf().set(locality, ignoreLocality);
                // (input, recursive lookup, parallel listing jobs expected)
                for (Object[] c : new Object[][] {{many.toString(), true, 0}, {many + "/2024-*", true, 0},
                        {many + "/2024-*", false, 1}, {"viewfs://photos/library", true, 1},
                        {"viewfs://photos/library/2024-*", false, 1}}) {
                    String path = (String) c[0];
                    boolean recursive = (Boolean) c[1];
                    int[] jobs = new int[1];
                    InputFiles listed = withJobCount(spark, jobs, () -> InputFiles.list(spark,
                            new InputOptions(List.of(path), recursive, "", "", "", 64, 3)));
                    String what = path + " recursive=" + recursive + " ignoreDataLocality=" + ignoreLocality;
                    assertEquals(40, listed.count(), what);
                    assertEquals(c[2], jobs[0], "parallel listing jobs for " + what);
                    String first = listed.rows(spark).first().getString(0);
                    assertTrue(first.endsWith("/2024-01-01/IMG_0.jpg"), first);
                    assertEquals(path.startsWith("viewfs:") ? "viewfs" : "file",
                            new org.apache.hadoop.fs.Path(first).toUri().getScheme(), first);
                }
            }
        } finally {
            hadoop.unset(mount);
            spark.conf().unset(locality);
        }
    }

    private static <T> T withJobCount(SparkSession spark, int[] jobs, java.util.function.Supplier<T> action) {
        org.apache.spark.scheduler.SparkListener listener = new org.apache.spark.scheduler.SparkListener() {
            @Override
            public void onJobStart(org.apache.spark.scheduler.SparkListenerJobStart start) {
                jobs[0]++;
            }
        };
        spark.sparkContext().addSparkListener(listener);
        try {
            T result = action.get();
            spark.sparkContext().listenerBus().waitUntilEmpty();
            return result;
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("listener bus", e);
        } finally {
            spark.sparkContext().removeSparkListener(listener);
        }
    }

    @Test
    void severalPathsAndGlobPatterns() {
        assertEquals(Set.of("hopper.bmp", "hopper_gray.jpg"),
                names(input(List.of(root.resolve("hopper.bmp"), root.resolve("2024/*/hopper_gray.jpg")), false, "", "", "")));
    }
}
