package io.xceptionspark.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.xceptionspark.testing.TestData;
import io.xceptionspark.testing.SparkTestSession;
import java.util.List;
import java.util.UUID;
import org.apache.spark.connect.proto.Expression;
import org.apache.spark.connect.proto.MlOperator;
import org.apache.spark.connect.proto.MlParams;
import org.apache.spark.ml.Transformer;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.connect.ml.MLUtils;
import org.apache.spark.sql.connect.service.SessionHolder;
import org.junit.jupiter.api.Test;
import scala.Option;

/**
 * Spark Connect ML: the server finds the Transformers through META-INF/services/org.apache.spark.ml.Transformer
 * and builds them from a client's operator name, uid and params, exactly as its ML handler does for an
 * {@code MlRelation.Transform} (Spark 4.2's spark-connect server, in this JVM; the JVM Connect client has no ML
 * API, see docs/CLUSTER.md).
 */
class SparkConnectMlTest {
    private static Expression.Literal literal(int v) {
        return Expression.Literal.newBuilder().setInteger(v).build();
    }

    @Test
    void theServerRegistersAllThreeTransformers() {
        scala.collection.immutable.Map<String, Class<?>> transformers = org.apache.spark.sql.connect.ml.MLUtils$.MODULE$.loadOperators(Transformer.class);
        for (Class<?> c : List.of(XceptionScorer.class, XceptionLabeler.class, XceptionEmbedder.class)) {
            assertTrue(transformers.contains(c.getName()), c.getName() + " in " + transformers.keys());
        }
    }

    @Test
    void aConnectClientsOperatorAndParamsScore() {
        var spark = (org.apache.spark.sql.classic.SparkSession) SparkTestSession.get();
        SessionHolder session = new SessionHolder("xception-spark-test", UUID.randomUUID().toString(), spark);
        MlOperator operator = MlOperator.newBuilder().setName(XceptionLabeler.class.getName())
                .setUid("xceptionLabeler_connect").setType(MlOperator.OperatorType.OPERATOR_TYPE_TRANSFORMER).build();
        // what a client sends: Python ints arrive as integer or long literals, strings as strings (the input size,
        // like crop-pct, is a string Param: a number of pixels or auto)
        MlParams params = MlParams.newBuilder()
                .putParams("weights", Expression.Literal.newBuilder().setString("none").build())
                .putParams("seed", Expression.Literal.newBuilder().setLong(8080).build())
                .putParams("inputHeight", Expression.Literal.newBuilder().setString("71").build())
                .putParams("inputWidth", Expression.Literal.newBuilder().setString("71").build())
                .putParams("topK", literal(3)).putParams("batchSize", literal(2)).build();
        Transformer t = MLUtils.getTransformer(session, operator, Option.apply(params));
        XceptionLabeler labeler = assertInstanceOf(XceptionLabeler.class, t);
        assertEquals("xceptionLabeler_connect", labeler.uid());
        assertEquals(3, labeler.getTopK());
        assertEquals(8080L, labeler.getSeed());
        List<Row> rows = labeler.transform(spark.read().format("binaryFile").load(TestData.path("edge-images/hopper.bmp")
                .toString())).collectAsList();
        assertEquals(1, rows.size());
        assertEquals("OK", rows.get(0).getAs("status"));
        assertEquals(3, rows.get(0).getList(rows.get(0).fieldIndex("top_k")).size());
    }
}
