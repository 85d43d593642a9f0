package io.xceptionspark.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.JsonObject;
import io.xceptionspark.config.Auto;
import io.xceptionspark.config.ScoringMode;
import io.xceptionspark.config.ScoringOptions;
import io.xceptionspark.scoring.ClassScore;
import io.xceptionspark.scoring.ScoreResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import scala.collection.immutable.ArraySeq;

/** The output row's one definition: the schema contract, its encoders, and the README's table of it. */
class OutputSchemaTest {
    private static final ScoringOptions EVERYTHING = new ScoringOptions(ScoringMode.BOTH, 2, false, true, 4, Auto.auto());

    @Test
    void theSchemaIsTheContractOfEarlierReleases() {
        assertEquals("struct<path:string,modification_time:timestamp,length:bigint,sha256:string,status:string,"
                + "error_code:string,error_message:string,label:string,class_index:int,probability:float,"
                + "top_k:array<struct<class_index:int,wnid:string,label:string,probability:float>>,"
                + "embedding:array<float>,logits:array<float>,model:string,scored_at:timestamp,run_date:date>",
                OutputSchema.of(EVERYTHING).simpleString());
        assertEquals("struct<path:string,modification_time:timestamp,length:bigint,sha256:string,status:string,"
                + "error_code:string,error_message:string,embedding:array<float>,model:string,scored_at:timestamp,"
                + "run_date:date>",
                OutputSchema.of(new ScoringOptions(ScoringMode.EMBEDDINGS, 5, true, false, 4, Auto.auto())).simpleString());
        assertEquals(List.of("status", "error_code", "model", "run_date"), OutputSchema.PARTITION_COLUMNS);
        assertEquals("struct<error_code:string,error_message:string>", OutputSchema.ERROR_TYPE.simpleString());
    }

    @Test
    void resultValuesFollowTheFieldsForSparkAndPredictsJson() {
        ResultColumns columns = new ResultColumns(EVERYTHING, "x_");
        assertEquals(List.of("x_status", "x_error_code", "x_error_message", "x_label", "x_class_index",
                "x_probability", "x_top_k", "x_embedding", "x_logits"),
                columns.fields().stream().map(f -> f.name()).toList());
        ClassScore[] top = {new ClassScore(1, null, null, 0.75f), new ClassScore(0, null, null, 0.25f)};
        ScoreResult.Scored scored = new ScoreResult.Scored(new float[] {0f, 1f}, new float[] {3f, 4f}, top);
        Object[] values = new Object[1 + columns.size()];
        columns.fill(scored, values, 1);
        assertEquals("OK", values[1]);
        assertEquals(null, values[2]);
        assertEquals(1, values[5]);
        assertEquals(0.75f, values[6]);
        Row first = (Row) ((ArraySeq<?>) values[7]).apply(0);
        assertEquals(List.of(1, 0.75f), List.of(first.getInt(0), first.getFloat(3)));
        assertEquals(2, ((ArraySeq<?>) values[8]).length());

        JsonObject ok = new JsonObject();
        columns.json(scored, ok);
        assertEquals("{\"status\":\"OK\",\"top_k\":[{\"class_index\":1,\"wnid\":null,\"label\":null,"
                + "\"probability\":0.75},{\"class_index\":0,\"wnid\":null,\"label\":null,\"probability\":0.25}],"
                + "\"embedding\":[3.0,4.0],"
                + "\"logits\":[0.0,1.0]}", ok.toString());
        JsonObject failed = new JsonObject();
        columns.json(new ScoreResult.Failed("CORRUPT", "truncated"), failed);
        assertEquals("{\"status\":\"ERROR\",\"error_code\":\"CORRUPT\",\"error_message\":\"truncated\"}",
                failed.toString());
    }

    @Test
    void theReadmesOutputTableListsTheColumnsInOrder() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        String table = readme.substring(readme.indexOf("| column | type |"));
        table = table.substring(0, table.indexOf("\n\n"));
        List<String> documented = new ArrayList<>();
        Matcher m = Pattern.compile("(?m)^\\| `([a-z_0-9]+)` \\|").matcher(table);
        while (m.find()) {
            documented.add(m.group(1));
        }
        List<String> columns = new ArrayList<>(OutputSchema.COLUMNS.stream().map(OutputSchema.Column::name).toList());
        columns.add("run_id"); // Parquet outputs: the run directories' partition column, added by the writer
        assertEquals(columns, documented);
    }
}
