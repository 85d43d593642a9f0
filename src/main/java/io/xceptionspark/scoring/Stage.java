package io.xceptionspark.scoring;

/**
 * Where a scoring task's time goes, as the run summary and the report account for it (seconds summed over tasks,
 * {@link StageTimes}). The stages partition a task's wall time: {@link #WRITE} is what the others leave.
 */
public enum Stage {
    /** Setting the task up: Hadoop configuration, the scorer and its predictor (model load excluded). */
    TASK_START("task start"),
    /** Waiting for the executor's model: its one load per JVM, in the task that triggers it (0 once cached). */
    MODEL_LOAD("model load"),
    /** Reading each file's bytes (and their SHA-256) through Hadoop's file systems. */
    READ("read"),
    /** File bytes to decoded pixels, failed images included. */
    DECODE("decode"),
    /** Resize, crop and normalisation into the batch buffer. */
    RESIZE("resize/crop"),
    /** The network's forward passes. */
    FORWARD("forward"),
    /** The rest of the task: output rows, Spark's encoding and the table writer (Parquet or Delta) and commit. */
    WRITE("write");

    private final String label;

    Stage(String label) {
        this.label = label;
    }

    /** The name the summary and the report show. */
    public String label() {
        return label;
    }
}
