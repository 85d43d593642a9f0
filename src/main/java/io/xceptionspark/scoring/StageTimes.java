package io.xceptionspark.scoring;

/** Nanoseconds per {@link Stage} of one task (one thread; not thread-safe). */
public final class StageTimes {
    private final long[] nanos = new long[Stage.values().length];

    public void add(Stage stage, long duration) {
        nanos[stage.ordinal()] += duration;
    }

    public long nanos(Stage stage) {
        return nanos[stage.ordinal()];
    }

    /** The sum over every stage. */
    public long total() {
        long sum = 0;
        for (long n : nanos) {
            sum += n;
        }
        return sum;
    }
}
