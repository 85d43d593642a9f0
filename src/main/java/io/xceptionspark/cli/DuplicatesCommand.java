package io.xceptionspark.cli;

import io.xceptionspark.config.JobConfigException;
import io.xceptionspark.search.EmbeddingIndex;
import io.xceptionspark.search.LshParameters;
import io.xceptionspark.search.NearDuplicates;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code xception-spark duplicates}: near-duplicate pairs across an output, written as Parquet. */
@Command(name = "duplicates", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Write the near-duplicate pairs of an output as Parquet: path_a, path_b, similarity, match.",
            "match = identical (byte-identical files, by the sha256 column, always reported) or near (embeddings"
                + " with cosine similarity >= --threshold: candidates from Spark ML's bucketed random projection LSH,"
            + " banded, verified with Spark 4.2's vector_inner_product)."})
final class DuplicatesCommand implements Callable<Integer> {
    @Option(names = "--index", required = true, paramLabel = "OUT", description = "The output to search.")
    String index;

    @Option(names = "--threshold", paramLabel = "T", description = "Cosine similarity from which two images are"
            + " near-duplicates, in (0, 1] (default: ${DEFAULT-VALUE}).")
    double threshold = 0.95;

    @Option(names = "--exact", description = "Compare every pair (a nested-loop join): for small outputs and for"
            + " measuring the recall of the default LSH.")
    boolean exact;

    @Option(names = "--output", required = true, paramLabel = "PAIRS", description = "Where to write the pairs"
            + " (Parquet; must not exist).")
    String output;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Spark settings, e.g. --set"
            + " spark.conf.spark.sql.shuffle.partitions=64 (repeatable).")
    List<String> sets = new ArrayList<>();

    private final PrintStream out;

    DuplicatesCommand(PrintStream out) {
        this.out = out;
    }

    @Override
    public Integer call() {
        NearDuplicates.check(threshold);
        try (SearchSession session = SearchSession.open(sets)) {
            EmbeddingIndex idx = EmbeddingIndex.open(session.spark(), index);
            requireAbsent(output, session.spark().sparkContext().hadoopConfiguration());
            long start = System.nanoTime();
            NearDuplicates.Result found = NearDuplicates.find(session.spark(), idx, threshold, exact);
            if (found.lsh() != null) {
                LshParameters p = found.lsh();
                out.printf("xception-spark: LSH bucket length %.5f, %d bands of %d hashes (recall %.3f at the"
                        + " threshold)%n", p.bucketLength(), p.bands(), p.hashesPerBand(),
                        p.recallAtSimilarity(threshold));
            }
            found.pairs().write().mode(SaveMode.ErrorIfExists).parquet(output);
            List<Row> counts = session.spark().read().parquet(output).groupBy("match").count().collectAsList();
            out.printf("xception-spark: %s pairs written to %s in %.1f s%n", counts.isEmpty() ? "no"
                    : counts.stream().map(r -> r.getLong(1) + " " + r.getString(0)).reduce((a, b) -> a + ", " + b)
                    .orElse(""), output, (System.nanoTime() - start) / 1e9);
        }
        return ExitCodes.OK;
    }

    private static void requireAbsent(String path, org.apache.hadoop.conf.Configuration conf) {
        try {
            org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(path);
            if (p.getFileSystem(conf).exists(p)) {
                throw new JobConfigException("--output " + path + " exists. Give a new path for the pairs, or"
                        + " delete the old ones.");
            }
        } catch (java.io.IOException e) {
            throw new JobConfigException("Cannot check --output " + path + ": " + e.getMessage(), e);
        }
    }
}
