package io.xceptionspark.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.example.GroupReadSupport;

/**
 * Checks a job's Parquet output without starting Spark (scripts/cluster-test.sh): reads the path, status and
 * model columns of every data file and verifies one row per expected input file, no duplicate paths, and
 * optionally the model identity.
 *
 * <pre>java -cp target/test-classes:target/classes:$(cat target/classpath.txt) \
 *     io.xceptionspark.testing.ParquetOutputCheck OUTPUT_DIR EXPECTED_ROWS [MODEL_PREFIX]</pre>
 *
 * Prints {@code rows=N distinct_paths=N ok=N errors=N models=[...]}; exits 1 (naming what is wrong) when
 * rows != EXPECTED_ROWS, a path occurs twice, or a row's model does not start with MODEL_PREFIX.
 */
public final class ParquetOutputCheck {
    private ParquetOutputCheck() {}

    public static void main(String[] args) throws IOException {
        if (args.length < 2) {
            System.err.println("usage: ParquetOutputCheck OUTPUT_DIR EXPECTED_ROWS [MODEL_PREFIX]");
            System.exit(2);
        }
        Path dir = Path.of(args[0]);
        long expected = Long.parseLong(args[1]);
        String modelPrefix = args.length > 2 ? args[2] : "";
        List<Path> parts;
        try (Stream<Path> files = Files.walk(dir)) {
            // data files only: not inside _temporary (uncommitted task output), not hidden (.crc)
            parts = files.filter(f -> f.getFileName().toString().endsWith(".parquet"))
                    .filter(f -> !dir.relativize(f).toString().contains("_temporary"))
                    .filter(f -> !f.getFileName().toString().startsWith(".")).sorted().toList();
        }
        Map<String, Integer> paths = new HashMap<>();
        Map<String, Integer> statuses = new TreeMap<>();
        Map<String, Integer> models = new TreeMap<>();
        long rows = 0;
        Configuration conf = new Configuration();
        for (Path part : parts) {
            try (ParquetReader<Group> reader = ParquetReader.builder(new GroupReadSupport(),
                    new org.apache.hadoop.fs.Path(part.toUri())).withConf(conf).build()) {
                for (Group g; (g = reader.read()) != null; ) {
                    rows++;
                    paths.merge(g.getString("path", 0), 1, Integer::sum);
                    statuses.merge(g.getString("status", 0), 1, Integer::sum);
                    models.merge(g.getString("model", 0), 1, Integer::sum);
                }
            }
        }
        List<String> problems = new ArrayList<>();
        if (rows != expected) {
            problems.add("rows: " + rows + ", expected " + expected + " (one per input file)");
        }
        paths.forEach((p, n) -> {
            if (n > 1) {
                problems.add("duplicate path (" + n + " rows): " + p);
            }
        });
        for (String model : models.keySet()) {
            if (!model.startsWith(modelPrefix)) {
                problems.add("model " + model + " does not start with " + modelPrefix);
            }
        }
        System.out.println("rows=" + rows + " distinct_paths=" + paths.size() + " data_files=" + parts.size()
                + " status=" + statuses + " models=" + models);
        if (!problems.isEmpty()) {
            problems.forEach(p -> System.out.println("FAIL " + p));
            System.exit(1);
        }
    }
}
