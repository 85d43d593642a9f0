package io.xceptionspark.search;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.catalyst.InternalRow;

/**
 * One partition of the index against every query of a pass: the partition's rows are scaled to unit length in
 * blocks of {@value #BLOCK_ROWS}, each block is multiplied by the queries' transpose in libtorch (one matrix
 * product gives the cosine of every (row, query) pair of the block), and a k-bounded heap per query keeps the
 * best. Out go at most k (query, path, similarity) rows per query; no pair, and no embedding, leaves the task.
 *
 * <p>Input rows: (path string, embedding array&lt;float&gt;) as Spark's internal rows, read without boxing. A row
 * whose embedding has no direction (zero or non-finite) has no cosine and is skipped, as are null embeddings.
 */
final class PartitionTopK implements FlatMapFunction<Iterator<InternalRow>, Row> {
    private static final long serialVersionUID = 1L;
    /** Rows per matrix product: 1024 x 2048 floats = 8 MB, with a result of 1024 x queries floats. */
    static final int BLOCK_ROWS = 1024;
    private static final String ENGINE = "PyTorch";

    private final Broadcast<QueryVectors> queries;
    private final int k;

    PartitionTopK(Broadcast<QueryVectors> queries, int k) {
        this.queries = queries;
        this.k = k;
    }

    @Override
    public Iterator<Row> call(Iterator<InternalRow> rows) {
        QueryVectors q = queries.value();
        int n = q.size();
        int dim = q.dim();
        TopK[] best = new TopK[n];
        for (int j = 0; j < n; j++) {
            best[j] = new TopK(k);
        }
        float[] block = new float[BLOCK_ROWS * dim];
        String[] paths = new String[BLOCK_ROWS];
        int filled = 0;
        try (NDManager manager = NDManager.newBaseManager(ENGINE);
             NDArray byQuery = manager.create(q.unitVectors(), new Shape(n, dim));
             NDArray transposed = byQuery.transpose()) {
            while (rows.hasNext()) {
                InternalRow row = rows.next();
                if (row.isNullAt(1)) {
                    continue;
                }
                float[] e = row.getArray(1).toFloatArray();
                if (e.length != dim) {
                    throw new IllegalStateException("index row " + row.getUTF8String(0) + " has " + e.length
                            + " dimensions, the queries " + dim + ": is the output a mix of models?");
                }
                if (QueryVectors.Unit.normalise(e, 0, block, filled * dim, dim)) {
                    paths[filled++] = row.getUTF8String(0).toString();
                    if (filled == BLOCK_ROWS) {
                        offerBlock(manager, transposed, block, paths, filled, best);
                        filled = 0;
                    }
                }
            }
            if (filled > 0) {
                offerBlock(manager, transposed, block, paths, filled, best);
            }
        }
        List<Row> out = new ArrayList<>();
        for (int j = 0; j < n; j++) {
            TopK top = best[j].trimmed();
            for (int i = 0; i < top.getSize(); i++) {
                out.add(RowFactory.create(q.name(j), top.getPaths()[i], top.getSimilarities()[i]));
            }
        }
        return out.iterator();
    }

    /** The block's rows [filled x dim] times the queries' transpose [dim x n], offered to each query's heap. */
    private static void offerBlock(NDManager manager, NDArray transposed, float[] block, String[] paths, int filled,
                                   TopK[] best) {
        int dim = block.length / BLOCK_ROWS;
        float[] rows = filled == BLOCK_ROWS ? block : Arrays.copyOf(block, filled * dim);
        int n = best.length;
        try (NDArray b = manager.create(rows, new Shape(filled, dim));
             NDArray similarities = b.matMul(transposed)) {
            float[] s = similarities.toFloatArray();
            for (int r = 0; r < filled; r++) {
                for (int j = 0; j < n; j++) {
                    best[j].offer(paths[r], s[r * n + j]);
                }
            }
        }
    }
}
