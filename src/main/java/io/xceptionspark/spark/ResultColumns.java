package io.xceptionspark.spark;

import io.xceptionspark.config.ScoringOptions;
import io.xceptionspark.scoring.ClassScore;
import io.xceptionspark.scoring.ScoreResult;
import io.xceptionspark.scoring.Scores;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import scala.collection.immutable.ArraySeq;

/**
 * The status and result columns of a scored row, for a given {@link ScoringOptions}: their schema and
 * their values for one {@link ScoreResult}. Shared by the batch job and the ML Transformers, so both
 * write the same columns with the same meaning.
 */
public final class ResultColumns implements Serializable {
    private static final long serialVersionUID = 1L;

    public static final String STATUS = "status";
    public static final String ERROR_CODE = "error_code";
    public static final String ERROR_MESSAGE = "error_message";
    public static final String LABEL = "label";
    public static final String CLASS_INDEX = "class_index";
    public static final String PROBABILITY = "probability";
    public static final String TOP_K = "top_k";
    public static final String EMBEDDING = "embedding";
    public static final String LOGITS = "logits";

    /** One top-k entry. */
    public static final StructType CLASS_SCORE = new StructType(new StructField[] {
        DataTypes.createStructField(CLASS_INDEX, DataTypes.IntegerType, false),
        DataTypes.createStructField("wnid", DataTypes.StringType, true),
        DataTypes.createStructField(LABEL, DataTypes.StringType, true),
        DataTypes.createStructField(PROBABILITY, DataTypes.FloatType, false)});

    private final ScoringOptions options;
    private final String prefix;

    public ResultColumns(ScoringOptions options) {
        this(options, "");
    }

    /** Columns named {@code prefix + name} (so that two transformers can add theirs to one DataFrame). */
    public ResultColumns(ScoringOptions options, String prefix) {
        this.options = options;
        this.prefix = prefix;
    }

    /** status, error_code, error_message, then the results the options ask for. */
    public List<StructField> fields() {
        List<StructField> fields = new ArrayList<>();
        fields.add(DataTypes.createStructField(prefix + STATUS, DataTypes.StringType, false));
        fields.add(DataTypes.createStructField(prefix + ERROR_CODE, DataTypes.StringType, true));
        fields.add(DataTypes.createStructField(prefix + ERROR_MESSAGE, DataTypes.StringType, true));
        if (options.mode().labels()) {
            fields.add(DataTypes.createStructField(prefix + LABEL, DataTypes.StringType, true));
            fields.add(DataTypes.createStructField(prefix + CLASS_INDEX, DataTypes.IntegerType, true));
            fields.add(DataTypes.createStructField(prefix + PROBABILITY, DataTypes.FloatType, true));
            fields.add(DataTypes.createStructField(prefix + TOP_K, DataTypes.createArrayType(CLASS_SCORE, false), true));
        }
        if (options.mode().embeddings()) {
            fields.add(DataTypes.createStructField(prefix + EMBEDDING, DataTypes.createArrayType(DataTypes.FloatType, false), true));
        }
        if (options.includeLogits()) {
            fields.add(DataTypes.createStructField(prefix + LOGITS, DataTypes.createArrayType(DataTypes.FloatType, false), true));
        }
        return fields;
    }

    public int size() {
        return 3 + (options.mode().labels() ? 4 : 0) + (options.mode().embeddings() ? 1 : 0)
                + (options.includeLogits() ? 1 : 0);
    }

    /**
     * Writes this result's values at {@code values[offset ..]}, in the order of {@link #fields()}. Arrays are
     * wrapped as Scala sequences (what Spark's Row encoder takes) without copying.
     */
    public void fill(ScoreResult result, Object[] values, int offset) {
        int i = offset;
        if (result instanceof ScoreResult.Failed failed) {
            values[i++] = ScoreResult.ERROR;
            values[i++] = failed.code();
            values[i] = failed.message();
            return; // result columns stay null
        }
        ScoreResult.Scored scored = (ScoreResult.Scored) result;
        values[i++] = ScoreResult.OK;
        values[i++] = null;
        values[i++] = null;
        if (options.mode().labels()) {
            ClassScore[] top = Scores.topK(scored.logits(), options.topK());
            values[i++] = top[0].label();
            values[i++] = top[0].classIndex();
            values[i++] = top[0].probability();
            Row[] entries = new Row[top.length];
            for (int k = 0; k < top.length; k++) {
                ClassScore s = top[k];
                entries[k] = RowFactory.create(s.classIndex(), s.wnid(), s.label(), s.probability());
            }
            values[i++] = ArraySeq.unsafeWrapArray(entries);
        }
        if (options.mode().embeddings()) {
            float[] e = options.normalizeEmbeddings() ? Scores.l2Normalized(scored.embedding()) : scored.embedding();
            values[i++] = ArraySeq.unsafeWrapArray(e);
        }
        if (options.includeLogits()) {
            values[i] = ArraySeq.unsafeWrapArray(scored.logits());
        }
    }
}
