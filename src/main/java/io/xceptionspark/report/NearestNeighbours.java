package io.xceptionspark.report;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.row_number;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.functions;

/**
 * Exact nearest neighbours of a few query images over the whole output, by the cosine similarity of their
 * embeddings (Spark 4.2's {@code vector_cosine_similarity} on {@code array<float>}): the queries are broadcast
 * and cross-joined with every embedded row, and each query keeps its k best, so the cost is queries x rows
 * dot products and a small shuffle, whatever the output's size.
 */
public final class NearestNeighbours {
    private NearestNeighbours() {}

    /**
     * @param embedded rows with an embedding: {@code path, label (may be null), embedding}
     * @param queries the query rows, same columns (a handful)
     */
    public static List<ReportData.Neighbours> of(Dataset<Row> embedded, Dataset<Row> queries, int k) {
        Dataset<Row> q = queries.select(col("path").as("q_path"), col("label").as("q_label"),
                col("embedding").as("q_embedding"));
        Dataset<Row> ranked = embedded.crossJoin(functions.broadcast(q))
                .where(col("path").notEqual(col("q_path")))
                .withColumn("similarity", expr("vector_cosine_similarity(q_embedding, embedding)"))
                .where(col("similarity").isNotNull())
                .withColumn("rank", row_number().over(Window.partitionBy("q_path").orderBy(col("similarity").desc(),
                        col("path"))))
                .where(col("rank").leq(k))
                .select("q_path", "q_label", "path", "label", "similarity", "rank")
                .orderBy("q_path", "rank");
        Map<String, ReportData.Neighbours> byQuery = new LinkedHashMap<>();
        for (Row r : ranked.collectAsList()) {
            ReportData.Neighbours n = byQuery.computeIfAbsent(r.getString(0),
                    p -> new ReportData.Neighbours(p, r.getString(1), new ArrayList<>()));
            n.nearest().add(new ReportData.Neighbour(r.getString(2), r.getString(3),
                    ((Number) r.get(4)).doubleValue()));
        }
        return new ArrayList<>(byQuery.values());
    }
}
