package io.xceptionspark.sql;

import io.xceptionspark.image.ImageErrorCode;
import io.xceptionspark.scoring.ClassScore;
import io.xceptionspark.scoring.ScoreResult;
import io.xceptionspark.scoring.Scores;
import io.xceptionspark.spark.ResultColumns;
import java.io.Serializable;
import org.apache.spark.sql.Row;
import scala.runtime.AbstractFunction1;
import scala.runtime.AbstractFunction2;

/**
 * The bodies of the SQL functions, run on executors row by row. A bad image (or a NULL content) gives
 * NULL; {@code xception_error} tells why. They share {@link TaskImageScorer}, so one row's image is
 * decoded and run through the network once whichever functions ask for it.
 */
final class ImageFunctions {
    private ImageFunctions() {}

    /** {@code xception_labels(content, k)}: the top-k classes, most probable first. */
    static final class Labels extends AbstractFunction1<byte[], Row[]> implements Serializable {
        private static final long serialVersionUID = 1L;
        private final SqlScoringSettings settings;
        private final int k;

        Labels(SqlScoringSettings settings, int k) {
            this.settings = settings;
            this.k = k;
        }

        @Override
        public Row[] apply(byte[] content) {
            ClassScore[] top = content != null
                    && TaskImageScorer.score(settings, content) instanceof ScoreResult.Scored s ? s.topK(k) : null;
            if (top == null) {
                return null;
            }
            Row[] rows = new Row[top.length];
            for (int i = 0; i < top.length; i++) {
                rows[i] = ResultColumns.classScoreRow(top[i]);
            }
            return rows;
        }
    }

    /** {@code xception_embedding(content)}: the pooled features, L2-normalised with scoring.normalize-embeddings. */
    static final class Embedding extends AbstractFunction1<byte[], float[]> implements Serializable {
        private static final long serialVersionUID = 1L;
        private final SqlScoringSettings settings;

        Embedding(SqlScoringSettings settings) {
            this.settings = settings;
        }

        @Override
        public float[] apply(byte[] content) {
            return embed(settings, content);
        }
    }

    /** {@code xception_error(content)}: NULL for a good image, else (error_code, error_message). */
    static final class Error extends AbstractFunction1<byte[], Row> implements Serializable {
        private static final long serialVersionUID = 1L;
        private final SqlScoringSettings settings;

        Error(SqlScoringSettings settings) {
            this.settings = settings;
        }

        @Override
        public Row apply(byte[] content) {
            if (content == null) {
                return ResultColumns.errorRow(new ScoreResult.Failed(ImageErrorCode.EMPTY.name(),
                        TaskImageScorer.NULL_CONTENT));
            }
            return TaskImageScorer.score(settings, content) instanceof ScoreResult.Failed f
                    ? ResultColumns.errorRow(f) : null;
        }
    }

    /**
     * {@code xception_similarity(a, b)}: cosine similarity of two embeddings (array&lt;float&gt;) or two images
     * (binary, embedded first), or one of each; NULL when either side is NULL or a bad image.
     */
    static final class Similarity extends AbstractFunction2<Object, Object, Float> implements Serializable {
        private static final long serialVersionUID = 1L;
        private final SqlScoringSettings settings;

        Similarity(SqlScoringSettings settings) {
            this.settings = settings;
        }

        @Override
        public Float apply(Object a, Object b) {
            float[] x = vector(a);
            float[] y = x == null ? null : vector(b);
            if (y == null) {
                return null;
            }
            if (x.length != y.length) {
                throw new IllegalArgumentException("xception_similarity: vectors of different lengths " + x.length
                        + " and " + y.length + " (embeddings of different models?)");
            }
            return Scores.cosine(x, y);
        }

        private float[] vector(Object value) {
            if (value == null) {
                return null;
            }
            if (value instanceof byte[] content) {
                return embed(settings, content);
            }
            scala.collection.Seq<?> seq = (scala.collection.Seq<?>) value;
            float[] v = new float[seq.size()];
            for (int i = 0; i < v.length; i++) {
                Object element = seq.apply(i);
                if (element == null) {
                    return null;
                }
                v[i] = ((Number) element).floatValue();
            }
            return v;
        }
    }

    private static float[] embed(SqlScoringSettings settings, byte[] content) {
        return content != null && TaskImageScorer.score(settings, content) instanceof ScoreResult.Scored s
                ? s.embedding() : null;
    }
}
