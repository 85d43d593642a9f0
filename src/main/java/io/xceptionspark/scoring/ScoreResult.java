package io.xceptionspark.scoring;

/** What scoring one input file gave: the network's outputs, or a typed error. */
public sealed interface ScoreResult permits ScoreResult.Scored, ScoreResult.Failed {

    /** Status written for a scored image. */
    String OK = "OK";
    /** Status written for a file that could not be scored (see its error code). */
    String ERROR = "ERROR";
    /** Error code of a file that could not be read (vanished, no permission, I/O error). */
    String UNREADABLE = "UNREADABLE";

    /**
     * @param logits the classifier's raw logits, or null when the model has no classifier
     * @param embedding the pooled features, or null when the model does not return them
     */
    record Scored(float[] logits, float[] embedding) implements ScoreResult {}

    /**
     * @param code an {@link io.xceptionspark.image.ImageErrorCode} name, or {@link #UNREADABLE}
     * @param message what went wrong, for people
     */
    record Failed(String code, String message) implements ScoreResult {}
}
