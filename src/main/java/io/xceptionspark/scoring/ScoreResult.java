package io.xceptionspark.scoring;

import java.util.Arrays;

/** What scoring one input file gave: its post-processed outputs ({@link ResultOptions}), or a typed error. */
public sealed interface ScoreResult permits ScoreResult.Scored, ScoreResult.Failed {

    /** Status written for a scored image. */
    String OK = "OK";
    /** Status written for a file that could not be scored (see its error code). */
    String ERROR = "ERROR";
    /** Error code of a file that could not be read (vanished, no permission, I/O error). */
    String UNREADABLE = "UNREADABLE";

    /**
     * @param logits the classifier's raw logits, or null when the model has no classifier
     * @param embedding the pooled features (L2-normalised if the scorer's options say so), or null when the model
     *                  does not return them or the options do not ask for them
     * @param topK the most probable classes, most probable first, or null when the options ask for none
     */
    record Scored(float[] logits, float[] embedding, ClassScore[] topK) implements ScoreResult {
        /** The k most probable classes (a prefix of {@link #topK()} when it has k); null without logits. */
        public ClassScore[] topK(int k) {
            if (topK != null && k <= topK.length) {
                return k == topK.length ? topK : Arrays.copyOf(topK, k);
            }
            return logits == null ? null : Scores.topK(logits, k);
        }
    }

    /**
     * @param code an {@link io.xceptionspark.image.ImageErrorCode} name, or {@link #UNREADABLE}
     * @param message what went wrong, for people
     */
    record Failed(String code, String message) implements ScoreResult {}
}
