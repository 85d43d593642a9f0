package io.xceptionspark.search;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.xceptionspark.testing.SparkTestSession;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An incremental output's history: the index is the newest row of each path, and only when it is OK. */
class EmbeddingIndexTest {
    @TempDir
    Path tmp;

    @Test
    void theNewestOkRowOfEachPathIsSearchable() {
        SparkSession spark = SparkTestSession.get();
        StructType schema = new StructType()
                .add("path", DataTypes.StringType, false)
                .add("modification_time", DataTypes.TimestampType, true)
                .add("status", DataTypes.StringType, false)
                .add("embedding", DataTypes.createArrayType(DataTypes.FloatType, false), true)
                .add("model", DataTypes.StringType, false)
                .add("scored_at", DataTypes.TimestampType, false);
        Timestamp run1 = Timestamp.valueOf("2026-11-01 10:00:00");
        Timestamp run2 = Timestamp.valueOf("2026-11-02 10:00:00");
        Timestamp mtime = Timestamp.valueOf("2026-10-01 10:00:00");
        List<Row> rows = List.of(
                row("file:/a.jpg", mtime, "OK", 1f, run1),
                row("file:/a.jpg", mtime, "OK", 2f, run2), // rescored: the newer embedding
                row("file:/b.jpg", mtime, "OK", 3f, run1),
                row("file:/b.jpg", mtime, "ERROR", null, run2), // now unreadable: not searchable
                row("file:/c.jpg", null, "OK", 4f, run1)); // no modification time recorded
        spark.createDataFrame(rows, schema).write().parquet(tmp.resolve("out").toString());
        EmbeddingIndex index = EmbeddingIndex.open(spark, tmp.resolve("out").toString());
        Map<String, Float> first = new HashMap<>();
        for (Row r : index.vectors().collectAsList()) {
            first.put(r.getAs("path"), r.<scala.collection.Seq<Float>>getAs("embedding").head());
        }
        assertEquals(Map.of("file:/a.jpg", 2f, "file:/c.jpg", 4f), first);
    }

    private static Row row(String path, Timestamp mtime, String status, Float value, Timestamp scoredAt) {
        Object embedding = value == null ? null
                : scala.collection.immutable.ArraySeq.unsafeWrapArray(new float[] {value, 1f});
        return RowFactory.create(path, mtime, status, embedding, "m", scoredAt);
    }
}
