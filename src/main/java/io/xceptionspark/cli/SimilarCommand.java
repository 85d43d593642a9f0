package io.xceptionspark.cli;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.xceptionspark.search.EmbeddingIndex;
import io.xceptionspark.search.NearestNeighbors;
import io.xceptionspark.search.SimilarImages;
import io.xceptionspark.spark.OutputSchema;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Row;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code xception-spark similar}: the k most similar indexed images to each query. */
@Command(name = "similar", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Find the k most similar images of an output (one scored with embeddings) to each query.",
            "A QUERY is an image file or folder (embedded with the model and preprocessing the index was scored"
                + " with) or a path already in the index (its stored embedding). Similarity is cosine (Spark 4.2's"
                + " vector_inner_product of unit vectors), ranked exactly by a per-query top-k."})
final class SimilarCommand implements Callable<Integer> {
    @Option(names = "--index", required = true, paramLabel = "OUT", description = "The output to search (a score"
            + " run's output path, scored with --mode embeddings or both).")
    String index;

    @Option(names = "--k", paramLabel = "K", description = "Neighbours per query (default: ${DEFAULT-VALUE}).")
    int k = 10;

    @Option(names = "--exact", description = "Accepted for compatibility: every search is exact (a top-k over every"
            + " indexed row).")
    boolean exact;

    @Option(names = "--json", description = "One JSON line per query: {\"query\": ..., \"neighbors\": [{\"path\": ...,"
            + " \"similarity\": ...}, ...]}.")
    boolean json;

    @Option(names = "--output", paramLabel = "PATH", description = "Write the results as Parquet (query, rank, path,"
            + " similarity[, label]) instead of printing them: a large table of queries runs as one Spark join.")
    String output;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Override a setting (repeatable): spark.* keys,"
            + " or model/preprocess keys for an index that records none.")
    List<String> sets = new ArrayList<>();

    @Parameters(paramLabel = "QUERY", arity = "1..*", description = "Image files, folders, or paths in the index.")
    List<String> queries = new ArrayList<>();

    private static final Gson GSON = new Gson();
    private final PrintStream out;
    private final PrintStream err;

    SimilarCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    @Override
    public Integer call() {
        NearestNeighbors.checkK(k);
        List<String> sparkSets = sets.stream().filter(s -> s.startsWith("spark.")).toList();
        List<String> modelSets = sets.stream().filter(s -> !s.startsWith("spark.")).toList();
        try (SearchSession session = SearchSession.open(sparkSets)) {
            EmbeddingIndex idx = EmbeddingIndex.open(session.spark(), index);
            SimilarImages.Result result = SimilarImages.find(session.spark(), idx, queries, modelSets, k,
                    err::println);
            for (SimilarImages.FailedQuery f : result.failed()) {
                if (json) {
                    JsonObject o = new JsonObject();
                    o.addProperty("query", f.query());
                    o.addProperty(OutputSchema.ERROR_CODE, f.errorCode());
                    o.addProperty(OutputSchema.ERROR_MESSAGE, f.errorMessage());
                    out.println(GSON.toJson(o));
                } else {
                    err.println("xception-spark: query " + f.query() + " could not be embedded: " + f.errorCode()
                            + ": " + f.errorMessage());
                }
            }
            if (output != null) {
                result.neighbors().write().mode("error").parquet(output);
                out.println("xception-spark: neighbours written to " + output);
                return ExitCodes.OK;
            }
            print(result.neighbors().orderBy(NearestNeighbors.QUERY, NearestNeighbors.RANK).collectAsList(),
                    idx.hasLabels());
        }
        return ExitCodes.OK;
    }

    private void print(List<Row> rows, boolean labels) {
        Map<String, List<Row>> byQuery = new LinkedHashMap<>();
        rows.forEach(r -> byQuery.computeIfAbsent(r.getAs(NearestNeighbors.QUERY), q -> new ArrayList<>()).add(r));
        for (Map.Entry<String, List<Row>> e : byQuery.entrySet()) {
            if (json) {
                JsonObject o = new JsonObject();
                o.addProperty("query", e.getKey());
                JsonArray neighbors = new JsonArray();
                for (Row r : e.getValue()) {
                    JsonObject n = new JsonObject();
                    n.addProperty(NearestNeighbors.PATH, r.<String>getAs(NearestNeighbors.PATH));
                    n.addProperty("similarity", r.<Float>getAs(NearestNeighbors.SIMILARITY));
                    if (labels) {
                        n.addProperty(NearestNeighbors.LABEL, r.<String>getAs(NearestNeighbors.LABEL));
                    }
                    neighbors.add(n);
                }
                o.add("neighbors", neighbors);
                out.println(GSON.toJson(o));
            } else {
                out.println("query " + e.getKey());
                for (Row r : e.getValue()) {
                    out.printf("  %3d  %.4f  %s%s%n", r.<Integer>getAs(NearestNeighbors.RANK),
                            r.<Float>getAs(NearestNeighbors.SIMILARITY), r.<String>getAs(NearestNeighbors.PATH),
                            labels && r.getAs(NearestNeighbors.LABEL) != null ? "  (" + r.getAs(NearestNeighbors.LABEL)
                                    + ")" : "");
                }
            }
        }
    }
}
