package io.xceptionspark.search;

import org.apache.spark.sql.Encoder;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.expressions.Aggregator;
import scala.Tuple2;

/**
 * Per group, the k (path, similarity) inputs of greatest similarity: a bounded heap per group and task (a
 * partial aggregation, so only k entries per group leave a partition), merged by the final aggregation. The
 * result holds its entries unordered (rank them afterwards).
 */
final class TopKAggregator extends Aggregator<Tuple2<String, Float>, TopK, TopK> {
    private final int k;

    TopKAggregator(int k) {
        this.k = k;
    }

    static Encoder<Tuple2<String, Float>> inputEncoder() {
        return Encoders.tuple(Encoders.STRING(), Encoders.FLOAT());
    }

    @Override
    public TopK zero() {
        return new TopK(k);
    }

    @Override
    public TopK reduce(TopK buffer, Tuple2<String, Float> entry) {
        buffer.offer(entry._1(), entry._2());
        return buffer;
    }

    @Override
    public TopK merge(TopK a, TopK b) {
        a.merge(b);
        return a;
    }

    @Override
    public TopK finish(TopK buffer) {
        return buffer.trimmed();
    }

    @Override
    public Encoder<TopK> bufferEncoder() {
        return Encoders.bean(TopK.class);
    }

    @Override
    public Encoder<TopK> outputEncoder() {
        return Encoders.bean(TopK.class);
    }
}
