package io.xceptionspark.spark;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import io.xceptionspark.config.ScoringOptions;
import io.xceptionspark.scoring.ClassScore;
import io.xceptionspark.scoring.ScoreResult;
import java.io.Serializable;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructField;
import scala.collection.immutable.ArraySeq;

/**
 * The result columns of a scored row ({@link OutputSchema.Part#RESULT}: status, error and what the options ask
 * for) and their encoder: one {@link ScoreResult}'s values as a Spark row's ({@link #fill}) or as predict's JSON
 * ({@link #json}). Shared by the job, the ML Transformers, the SQL functions and predict, so all write the same
 * columns with the same values.
 */
public final class ResultColumns implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final Gson GSON = new GsonBuilder().serializeSpecialFloatingPointValues().create();

    private final String prefix;
    private final OutputSchema.Column[] columns;

    public ResultColumns(ScoringOptions options) {
        this(options, "");
    }

    /** Columns named {@code prefix + name} (so that two transformers can add theirs to one DataFrame). */
    public ResultColumns(ScoringOptions options, String prefix) {
        this.prefix = prefix;
        this.columns = OutputSchema.columns(OutputSchema.Part.RESULT, options).toArray(OutputSchema.Column[]::new);
    }

    /** status, error_code, error_message, then the results the options ask for. */
    public List<StructField> fields() {
        return Arrays.stream(columns).map(c -> c.field(prefix)).toList();
    }

    public int size() {
        return columns.length;
    }

    /**
     * Writes this result's values at {@code values[offset ..]}, in the order of {@link #fields()}. Arrays are
     * wrapped as Scala sequences (what Spark's Row encoder takes) without copying.
     */
    public void fill(ScoreResult result, Object[] values, int offset) {
        for (int i = 0; i < columns.length; i++) {
            Object value = value(columns[i].name(), result);
            if (value instanceof float[] floats) {
                value = ArraySeq.unsafeWrapArray(floats);
            } else if (value instanceof ClassScore[] top) {
                Row[] entries = new Row[top.length];
                for (int k = 0; k < top.length; k++) {
                    entries[k] = classScoreRow(top[k]);
                }
                value = ArraySeq.unsafeWrapArray(entries);
            }
            values[offset + i] = value;
        }
    }

    /** This result's non-null values of the columns predict prints ({@link OutputSchema.Column#predictJson}). */
    public void json(ScoreResult result, JsonObject into) {
        for (OutputSchema.Column column : columns) {
            Object value = column.predictJson() ? value(column.name(), result) : null;
            if (value != null) {
                into.add(column.name(), json(value));
            }
        }
    }

    /** A top-k entry as a {@link OutputSchema#CLASS_SCORE} row. */
    public static Row classScoreRow(ClassScore c) {
        return RowFactory.create(classScoreValues(c));
    }

    /** An error as an {@link OutputSchema#ERROR_TYPE} row. */
    public static Row errorRow(ScoreResult.Failed failed) {
        return RowFactory.create(failed.code(), failed.message());
    }

    /** A top-k entry's values in the order of {@link OutputSchema#CLASS_SCORE}. */
    private static Object[] classScoreValues(ClassScore c) {
        return new Object[] {c.classIndex(), c.wnid(), c.label(), c.probability()};
    }

    /** A result column's value, as plain Java (String, Integer, Float, ClassScore[], float[]); null when none. */
    private static Object value(String column, ScoreResult result) {
        if (result instanceof ScoreResult.Failed failed) {
            return switch (column) {
                case OutputSchema.STATUS -> ScoreResult.ERROR;
                case OutputSchema.ERROR_CODE -> failed.code();
                case OutputSchema.ERROR_MESSAGE -> failed.message();
                default -> null;
            };
        }
        ScoreResult.Scored scored = (ScoreResult.Scored) result;
        return switch (column) {
            case OutputSchema.STATUS -> ScoreResult.OK;
            case OutputSchema.ERROR_CODE, OutputSchema.ERROR_MESSAGE -> null;
            case OutputSchema.LABEL -> scored.topK()[0].label();
            case OutputSchema.CLASS_INDEX -> scored.topK()[0].classIndex();
            case OutputSchema.PROBABILITY -> scored.topK()[0].probability();
            case OutputSchema.TOP_K -> scored.topK();
            case OutputSchema.EMBEDDING -> scored.embedding();
            case OutputSchema.LOGITS -> scored.logits();
            default -> throw new IllegalArgumentException(column + " is not a result column");
        };
    }

    private static JsonElement json(Object value) {
        if (value instanceof ClassScore[] top) {
            JsonArray entries = new JsonArray();
            String[] fields = OutputSchema.CLASS_SCORE.fieldNames();
            for (ClassScore c : top) {
                Object[] values = classScoreValues(c);
                JsonObject entry = new JsonObject();
                for (int f = 0; f < fields.length; f++) {
                    entry.add(fields[f], json(values[f]));
                }
                entries.add(entry);
            }
            return entries;
        }
        if (value == null) {
            return JsonNull.INSTANCE;
        }
        if (value instanceof String s) {
            return new JsonPrimitive(s);
        }
        if (value instanceof Number n) {
            return new JsonPrimitive(n);
        }
        return GSON.toJsonTree(value);
    }
}
