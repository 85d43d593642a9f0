package io.xceptionspark.report;

import static org.apache.spark.sql.functions.col;

import io.xceptionspark.search.NearestNeighbors;
import io.xceptionspark.spark.OutputSchema;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The report's nearest neighbours: a few query images of the output, each with its k most similar other images,
 * found by the search's exact cosine k-NN ({@link NearestNeighbors}) and shaped for the report.
 */
public final class NearestNeighbours {
    private NearestNeighbours() {}

    /**
     * @param embedded rows with an embedding: {@code path, label (may be null), embedding}, one per path
     * @param queries the query rows, same columns (a handful), evaluated once: their labels and the search's
     *                queries come from the same collected rows
     */
    public static List<ReportData.Neighbours> of(Dataset<Row> embedded, Dataset<Row> queries, int k) {
        Dataset<Row> wanted = queries.select(OutputSchema.PATH, OutputSchema.LABEL, OutputSchema.EMBEDDING);
        List<Row> collected = wanted.collectAsList();
        Map<String, String> queryLabels = new HashMap<>();
        for (Row q : collected) {
            queryLabels.put(q.getString(0), q.getString(1));
        }
        Dataset<Row> local = embedded.sparkSession().createDataFrame(collected, wanted.schema());
        // every query is among the rows searched, most likely its own first match: one more, then drop it
        Dataset<Row> asQueries = local.select(col(OutputSchema.PATH).as(NearestNeighbors.QUERY),
                col(OutputSchema.EMBEDDING));
        Dataset<Row> found = NearestNeighbors.search(embedded.sparkSession(), asQueries, embedded, true, k + 1)
                .where(col(NearestNeighbors.PATH).notEqual(col(NearestNeighbors.QUERY)))
                .orderBy(NearestNeighbors.QUERY, NearestNeighbors.RANK)
                .select(NearestNeighbors.QUERY, NearestNeighbors.PATH, NearestNeighbors.LABEL,
                        NearestNeighbors.SIMILARITY);
        Map<String, ReportData.Neighbours> byQuery = new LinkedHashMap<>();
        for (Row r : found.collectAsList()) {
            ReportData.Neighbours n = byQuery.computeIfAbsent(r.getString(0),
                    p -> new ReportData.Neighbours(p, queryLabels.get(p), new ArrayList<>()));
            if (n.nearest().size() < k) {
                n.nearest().add(new ReportData.Neighbour(r.getString(1), r.getString(2),
                        ((Number) r.get(3)).doubleValue()));
            }
        }
        return new ArrayList<>(byQuery.values());
    }
}
